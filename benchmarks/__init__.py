"""`make bench`: the product measured against the database's own floor on a generated national
dataset (docs/PERFORMANCE.md). Not part of the application; never imported by it."""
