"""A read-only picture of the store for the pack and the wizard: values of non-secret
fields, and for secret fields only whether they are set and where they live.

Nothing in a StoreView can hold a secret value, so anything rendered from it is safe.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldView:
    """One captured field. `value` is None for every secret field, set or not."""

    name: str
    label: str
    secret: bool
    is_set: bool
    value: str | None = None
    location: str | None = None


@dataclass(frozen=True)
class SectionView:
    """A group of fields, e.g. the registrar's access details or the rollback runbook.

    `kind` says how the pack presents it: "access", "contacts", "environments",
    "rotation", "monitoring", "rollback" or "release".
    """

    id: str
    title: str
    kind: str
    fields: tuple[FieldView, ...]

    def field(self, name: str) -> FieldView | None:
        """A field by its short name (`owner`) or full name (`registrar.owner`)."""
        full = name if "." in name else f"{self.id}.{name}"
        return next((f for f in self.fields if f.name == full), None)


@dataclass(frozen=True)
class StoreView:
    sections: tuple[SectionView, ...]

    def section(self, section_id: str) -> SectionView | None:
        return next((s for s in self.sections if s.id == section_id), None)

    def of_kind(self, kind: str) -> tuple[SectionView, ...]:
        return tuple(s for s in self.sections if s.kind == kind)
