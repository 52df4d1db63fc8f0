"""The line at the top of every screen: the wizard's name and the client's, centred.

Textual's Header is a widget of three widgets with their own styles and a clock; all the
wizard shows in it is a title, and on the first screen painted it cost as much as the whole
table of stages. This is one widget; a click on it opens the command palette, as the
Header's icon did.
"""

from __future__ import annotations

from rich.text import Text
from textual import events
from textual.widget import Widget


class TitleBar(Widget):
    """`launchwizard — Acme Assist`, from the app's title and sub-title."""

    DEFAULT_CSS = """
    TitleBar {
        dock: top; width: 1fr; height: 1;
        background: $panel; color: $foreground;
        content-align: center middle; text-wrap: nowrap; text-overflow: ellipsis;
    }
    """

    def on_mount(self) -> None:
        self.watch(self.app, "title", self._retitle, init=False)
        self.watch(self.app, "sub_title", self._retitle, init=False)

    def _retitle(self) -> None:
        self.refresh()

    def render(self) -> Text:
        title = Text(self.app.title)
        if self.app.sub_title:
            title.append(" — ")
            title.append(self.app.sub_title, style="dim")
        return title

    def on_click(self, event: events.Click) -> None:
        self.app.action_command_palette()
