"""Engines: optimisers and exchange formats, pure where possible (plain data in, plain data out)."""
