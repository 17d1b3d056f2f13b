# Work plans, monthly snapshots and deviation reports (SPEC §5) live here.
