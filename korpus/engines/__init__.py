"""Alternative engines (Ray) for the shard runner."""
