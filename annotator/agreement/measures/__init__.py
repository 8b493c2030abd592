"""The report's measures, one module each, over a `prepare.Prepared`: the corpus figure
with its bootstrap interval, and where the table has one, the figure of a single document."""
