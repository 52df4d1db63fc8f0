"""The handover pack's jinja2 templates (`*.md.j2`), shipped as `launchwizard.templates`.

A package (not a bare directory) so wheels and editable installs find it the same way.
"""
