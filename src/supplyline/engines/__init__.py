"""Engines: work that is neither a command nor a query (optimisers, exchange formats)."""
