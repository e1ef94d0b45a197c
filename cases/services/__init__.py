"""Every write with rules about citizens and cases, by concept.

- citizens: registering a citizen, handing a case on, the journal, consents, closing
- stays: shelter stays and the discharge rule, action plans, housing support
- allocation: offered homes, placements, rent subsidies
- reminders: the reminders Celery beat queues
- export: the right-of-access case file

Each service runs in one transaction, checks its rules, writes one audit entry
(config.audit) and queues its e-mails in the outbox in the same transaction.
"""
