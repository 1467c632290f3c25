"""The append-only, hash-chained event log: its byte format and its verification."""
