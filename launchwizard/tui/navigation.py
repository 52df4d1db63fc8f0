"""The keys that move between screens, declared once and first on every screen.

Textual's footer lists the focused widget's keys, then the screen's, then the app's, and a
narrow terminal cuts it from the right. Declared only on the app, the way around (overview,
the seven stages, decision, handover) was the first thing an 80-column footer lost. So each
screen puts these first in its own bindings (the same binding ids, so a keymap remaps them
everywhere) and the app keeps them for when nothing is focused.
"""

from __future__ import annotations

from textual.binding import Binding

from launchwizard.sprint import STAGES

STAGE_KEYS = f"1-{len(STAGES)}"


def navigation_bindings(namespace: str = "app.") -> list[Binding]:
    """Overview, the stages (one footer entry, `1-7 Stages`), decision and handover."""
    stages = [
        Binding(
            str(number),
            f"{namespace}show('stage:{stage.id}')",
            "Stages" if number == 1 else stage.title,
            id=f"stage-{stage.id}",
            show=number == 1,
            key_display=STAGE_KEYS if number == 1 else None,
            tooltip="Open a stage: 1 quick audit ... 7 handover",
        )
        for number, stage in enumerate(STAGES, 1)
    ]
    return [
        Binding("o", f"{namespace}show('overview')", "Overview", id="overview"),
        *stages,
        Binding("d", f"{namespace}show('decision')", "Decision", id="decision"),
        Binding("h", f"{namespace}show('handover')", "Handover", id="handover"),
    ]
