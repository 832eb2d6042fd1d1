"""``alertd demo``: the whole flow on a laptop, no infrastructure needed."""
