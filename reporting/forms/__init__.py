"""Forms of the reporting pages: work plans and deviation reports."""
