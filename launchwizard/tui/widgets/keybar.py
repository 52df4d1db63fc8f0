"""The keys of the moment, in one line at the bottom of every screen.

Textual's Footer builds a widget per key and rebuilds them all whenever focus moves; on the
first screen the wizard paints that was the most expensive part of the screen. This draws
the same thing (the focused widget's keys, then the screen's, then the app's; disabled ones
dim; the command palette's key at the right) as one Text, and a click on a key presses it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding
from textual.screen import Screen
from textual.widget import Widget

GAP = " "
"""Between one key's description and the next key (the key's own style sets it apart)."""


@dataclass(frozen=True)
class KeyItem:
    """One key as shown: what to press, how it is written, what it does, whether it can now."""

    key: str
    display: str
    description: str
    enabled: bool


class KeyBar(Widget):
    """One line of keys, docked at the bottom; refreshed when the screen's bindings change."""

    COMPONENT_CLASSES = {"keybar--key", "keybar--description"}

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom; height: 1; width: 1fr;
        background: $footer-background; color: $footer-foreground;
    }
    KeyBar > .keybar--key {
        color: $footer-key-foreground; background: $footer-key-background; text-style: bold;
    }
    KeyBar > .keybar--description {
        color: $footer-description-foreground; background: $footer-description-background;
    }
    """

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.items: tuple[KeyItem, ...] = ()
        """The keys shown, in order; the palette's last."""
        self.spans: list[tuple[int, int, KeyItem]] = []
        """Where each key was drawn (start and end column), for clicks and tests."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self._collect()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[object]) -> None:
        if self.is_attached and screen is self.screen:
            self._collect()

    def _collect(self) -> None:
        """The shown bindings of the moment, one per action, as the footer would list them."""
        active = self.screen.active_bindings
        palette_key = self.app.COMMAND_PALETTE_BINDING
        items: list[KeyItem] = []
        actions: set[str] = set()
        for key, (_, binding, enabled, _tooltip) in active.items():
            if not binding.show or binding.action in actions or key == palette_key:
                continue
            actions.add(binding.action)
            items.append(KeyItem(key, self.app.get_key_display(binding), binding.description, enabled))
        palette = active.get(palette_key)
        if palette is not None and self.app.ENABLE_COMMAND_PALETTE:
            _, binding, enabled, _tooltip = palette
            items.append(
                KeyItem(palette_key, self.app.get_key_display(binding), binding.description, enabled)
            )
        self.items = tuple(items)
        self.refresh()

    def _item(self, key: str, binding: Binding, enabled: bool) -> KeyItem:
        return KeyItem(key, self.app.get_key_display(binding), binding.description, enabled)

    def render(self) -> Text:
        key_style = self.get_component_rich_style("keybar--key")
        description_style = self.get_component_rich_style("keybar--description")
        width = self.size.width
        *keys, palette = self.items if self.items else (None,)
        tail = _label(palette) if palette is not None else ""
        text = Text(no_wrap=True, overflow="crop", end="")
        self.spans = []
        room = max(0, width - len(tail) - 1)
        for item in keys:
            if item is None:
                continue
            label = _label(item)
            start = len(text.plain) + (len(GAP) if text.plain else 0)
            if start + len(label) > room:
                break
            if text.plain:
                text.append(GAP)
            self._append(text, item, key_style, description_style)
            self.spans.append((start, start + len(label), item))
        if palette is not None:
            text.append(" " * max(1, width - len(text.plain) - len(tail)))
            start = len(text.plain)
            self._append(text, palette, key_style, description_style)
            self.spans.append((start, start + len(tail), palette))
        return text

    @staticmethod
    def _append(text: Text, item: KeyItem, key_style: Style, description_style: Style) -> None:
        dim = Style(dim=not item.enabled)
        text.append(item.display, style=key_style + dim)
        if item.description:
            text.append(f" {item.description}", style=description_style + dim)

    def on_mouse_down(self, event: events.MouseDown) -> None:
        """A click on a key presses it (a key that cannot act now only rings the bell)."""
        for start, end, item in self.spans:
            if start <= event.x < end:
                if item.enabled:
                    self.app.simulate_key(item.key)
                else:
                    self.app.bell()
                return


def _label(item: KeyItem) -> str:
    return f"{item.display} {item.description}" if item.description else item.display
