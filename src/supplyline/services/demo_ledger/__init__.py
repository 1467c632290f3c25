"""The demo ledger: its records as data and the steps that record them."""
