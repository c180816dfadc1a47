"""Reading: file → text → structure → sentences (no model, no torch)."""
