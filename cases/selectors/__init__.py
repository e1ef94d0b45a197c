"""Every read of citizens, cases and allocation, filtered by who is asking.

- citizens: who sees which case, the case list, the case page, counts, cohorts
- allocation: offers, who fits an offer, coming move-ins
"""
