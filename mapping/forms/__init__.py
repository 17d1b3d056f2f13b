"""Forms of SPEC §4, one module per page group."""
