"""A read-only picture of the store for the pack and the wizard: values of non-secret
fields, and for secret fields only whether they are set and where they live.

Nothing in a StoreView can hold a secret value, so anything rendered from it is safe.
"""

from __future__ import annotations

from dataclasses import dataclass

from launchwizard.store.catalog import ENV_SECTION, HANDOVER_FIELDS


@dataclass(frozen=True)
class FieldView:
    """One captured field. `value` is None for every secret field, set or not."""

    name: str
    label: str
    secret: bool
    is_set: bool
    value: str | None = None
    location: str | None = None
    multiline: bool = False
    """Its value is a list or prose, one item per line (the wizard edits it as a text area)."""
    previous: tuple[str, ...] = ()
    """The values a clear field had before, newest first (for restoring one)."""


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
    hint: str = ""
    """What its fields are for, when their labels alone do not say it."""

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


@dataclass(frozen=True)
class HandoverDetail:
    """One detail the founder needs to operate the product, and whether it is captured."""

    name: str
    section: str
    label: str
    captured: bool

    @property
    def sentence(self) -> str:
        """`Domain registrar: Owner`, as the handover checklist lists a missing detail."""
        return f"{self.section}: {self.label}"


def handover_details(view: StoreView) -> tuple[HandoverDetail, ...]:
    """The handover details in checklist order: the catalog's list, then one per environment
    (the env section's fields: where its values are managed and who can change them)."""
    env = view.section(ENV_SECTION)
    names = [*HANDOVER_FIELDS, *(f.name for f in env.fields)] if env is not None else list(HANDOVER_FIELDS)
    details = []
    for name in names:
        section_id = name.split(".", 1)[0]
        section = view.section(section_id)
        field = section.field(name) if section is not None else None
        details.append(
            HandoverDetail(
                name=name,
                section=section.title if section is not None else section_id,
                label=field.label if field is not None else name,
                captured=field is not None and field.is_set,
            )
        )
    return tuple(details)
