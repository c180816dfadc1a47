"""The sentence classifier at tag time: ONNX Runtime + tokenizers, no torch; the keyword baseline."""
