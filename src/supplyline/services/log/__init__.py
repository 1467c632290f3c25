"""The transparency log: signing on commit, checkpoints, proofs and tiles, integrity checks, witnesses and monitors."""
