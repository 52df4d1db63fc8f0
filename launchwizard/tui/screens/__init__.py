"""One module per screen: setup, overview, stage, decision, handover."""
