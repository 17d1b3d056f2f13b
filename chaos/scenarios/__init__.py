"""One module per fault scenario. Each defines `NAME` (a short Swedish title) and
`run(args) -> list[dict]`: result lines with at least "line" (what was done), "result" (what was
found, in words and figures) and "ok" (True when the product held)."""
