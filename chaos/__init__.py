"""`make chaos`: faults injected into a running system of its own (its own embedded PostgreSQL
and Redis, separate from `make run`'s), each scenario reporting what it found. Not run by
`make test`: a scenario takes minutes and kills processes."""
