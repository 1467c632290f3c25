"""The writes of the chain from pledge to receipt: pledges and allocations, the prioritised list, packages, contracts, Drone Deal production, shipments, parties."""
