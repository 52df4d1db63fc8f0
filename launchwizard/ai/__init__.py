"""The AI evaluation: our own prompt set and the deterministic detectors that judge replies."""
