"""Every write with rules about concerns, by concept.

- filing: the contact person files a concern; its deadline and the "same home" key
- handling: the advisors acknowledge, assign, note, record consent, write, close, remind
- case_bridge: a concern opens a citizen's case or is linked to one

Each service runs in one transaction, writes the concern's history line and its one
audit entry together (history.record), and queues its e-mails in the outbox.
"""
