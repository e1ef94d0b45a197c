"""The case pages, by concept.

- citizens: the case list, registering a citizen, the case page, the case file, cohorts
- actions: the forms on the case page (journal, consent, stays, plans, homes, closing)
- allocation: vacant homes offered by the associations, matching and returning them
"""
