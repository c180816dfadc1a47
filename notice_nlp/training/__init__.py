"""Training and model conversion (needs torch and transformers: the `train` extra); never imported at tag time."""
