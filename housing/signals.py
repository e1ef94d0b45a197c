"""What the housing world tells the apps above it, without knowing them (they listen)."""

from django.dispatch import Signal

# Departments saved in bulk (the CSV import), so no post_save was sent for them.
# Arguments: departments (the saved Department instances), fields (the names changed).
departments_updated = Signal()
