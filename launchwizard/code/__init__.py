"""The product's own code, read for its discipline: timeouts, retries, pooling, swallowed errors.

Structural rules over real syntax trees (ast-grep's tree-sitter grammars for Python,
JavaScript, TypeScript and TSX), kept as data: one table per check, each rule with its
id, languages, pattern, message, fix and the examples its tests run. This package knows
nothing of checks; it returns plain findings, facts and what it read.
"""
