"""Sprint state on disk under .launchwizard/: state.toml, runs/*.json; atomic and private."""
