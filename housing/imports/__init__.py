"""The CSV import of departments and dwellings: reading the file, planning its rows,
saving them in short batches, and what the administrator sees of it."""
