"""The optimisers at work on the ledger: allocation of pledges to lines, production planning."""
