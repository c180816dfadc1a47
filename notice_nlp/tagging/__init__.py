"""Rule taggers over rules/*.yaml: dates, counts, status (no model, no torch)."""
