"""Demo data for trying the product: the `load_demo` command and the synthetic follow-up history
it writes. It stands at the top of the import graph: it uses the organisation, case, mapping and
reporting apps, and nothing in the product imports it."""
