"""Exchange formats: spreadsheets in, open data and report files out (pure where possible).

These modules read and write files and map them to and from plain values; they never touch
the ledger. The services decide what the values mean and record them.
"""
