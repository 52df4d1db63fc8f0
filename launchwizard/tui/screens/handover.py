"""The handover: what is still missing, the pack as it will be written, and export.

The founder reads the preview before anything is written, so the pack is rendered in
memory each time the screen is shown, from the same session the export uses. Rendering
takes about a tenth of a second and export also syncs files to disk, so both run in
thread workers that only post a message; the handlers here update the screen. Template
and disk problems are the operator's to fix, so they are shown, never raised.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Markdown, OptionList, Static
from textual.widgets.option_list import Option

from launchwizard.errors import UserError
from launchwizard.safe.terminal import safe_text
from launchwizard.session import Session
from launchwizard.store.view import HandoverDetail
from launchwizard.tui.navigation import navigation_bindings
from launchwizard.tui.widgets.keybar import KeyBar
from launchwizard.tui.widgets.titlebar import TitleBar


def details_line(details: tuple[HandoverDetail, ...]) -> str:
    """`7 of 14 handover details captured`: the founder's owners, contacts and runbooks."""
    captured = sum(1 for detail in details if detail.captured)
    return f"{captured} of {len(details)} handover details captured"


def checklist_text(missing: list[str], details: tuple[HandoverDetail, ...] = ()) -> str:
    """The handover checklist: how many details are captured, then each missing thing on its
    line, or a clear all-done."""
    head = f"{details_line(details)}\n" if details else ""
    if not missing:
        return head + "✓ Nothing missing: every manual item is settled and every handover detail is captured."
    lines = (f"☐ {safe_text(item)}" for item in missing)
    return f"{head}✗ Still missing for the handover ({len(missing)}):\n" + "\n".join(lines)


class HandoverScreen(Screen[None]):
    """Checklist, pack preview (one file at a time) and export of the markdown pack."""

    @dataclass
    class PreviewRendered(Message):
        """The pack rendered in memory (file name -> markdown), or why it could not be."""

        generation: int
        pack: dict[str, str]
        problem: str = ""

    @dataclass
    class ExportFinished(Message):
        """The pack was written (the folder and file count), or why it was not."""

        folder: Path | None
        count: int
        problem: str = ""

    DEFAULT_CSS = """
    HandoverScreen #checklist { height: auto; max-height: 9; padding: 0 1; }
    HandoverScreen #handover-status { height: auto; padding: 0 1; color: $text-muted; }
    HandoverScreen #handover-status.-error { color: $text-error; }
    HandoverScreen #handover-status.-empty { display: none; }
    HandoverScreen #pack { height: 1fr; border-top: solid $primary-muted; }
    HandoverScreen #pack-files { width: 22; height: 1fr; }
    HandoverScreen #preview { width: 1fr; height: 1fr; padding: 0 1; }
    HandoverScreen #preview-error { color: $text-error; height: auto; }
    HandoverScreen #preview-error.-empty { display: none; }
    """

    AUTO_FOCUS = "#pack-files"

    BINDINGS = [*navigation_bindings(), Binding("e", "export", "Export pack", id="handover-export")]

    def __init__(self, session: Session, templates: Path | None = None, out_dir: Path | None = None) -> None:
        super().__init__()
        self.session = session
        self.templates = templates
        """A directory of custom templates for export (the shipped ones fill the gaps)."""
        self.out_dir = out_dir
        """Where export writes; None means the session's default (handover/ beside sprint.toml)."""
        self.pack: dict[str, str] = {}
        """The previewed pack, file name -> markdown, as last rendered."""
        self.generation = 0
        """Counts preview requests, so a slow render that finishes late is ignored."""

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(id="checklist"):
            yield Static("", id="checklist-text", markup=False)
        yield Static("", id="handover-status", markup=False, classes="-empty")
        with Horizontal(id="pack"):
            yield OptionList(id="pack-files")
            with VerticalScroll(id="preview"):
                yield Static("", id="preview-error", markup=False, classes="-empty")
                yield Markdown("", id="preview-text")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#pack-files").border_title = "Pack files"

    def on_state_reloaded(self) -> None:
        self.on_screen_resume()

    def on_screen_resume(self) -> None:
        self.show_session()

    def show_session(self) -> None:
        """Redraw the checklist now and re-render the preview in the background."""
        missing = self.session.missing_for_handover()
        self.query_one("#checklist-text", Static).update(
            checklist_text(missing, self.session.handover_details())
        )
        self.generation += 1
        self.render_preview(self.generation)

    @work(thread=True, exclusive=True, group="pack-preview", exit_on_error=False)
    def render_preview(self, generation: int) -> None:
        try:
            pack = dict(self.session.preview())
        except UserError as exc:
            self.post_message(self.PreviewRendered(generation, {}, str(exc)))
            return
        self.post_message(self.PreviewRendered(generation, pack))

    @on(PreviewRendered)
    def _preview_rendered(self, event: PreviewRendered) -> None:
        if event.generation != self.generation:
            return
        self.pack = event.pack
        self._list_files()
        if event.problem:
            self._show_preview_error(f"✗ The pack cannot be previewed: {event.problem}")

    def _list_files(self) -> None:
        files = self.query_one("#pack-files", OptionList)
        chosen = self.chosen_file()
        files.clear_options()
        files.add_options([Option(Text(name), id=name) for name in self.pack])
        if not self.pack:
            self.query_one("#preview-text", Markdown).update("")
        else:
            names = list(self.pack)
            files.highlighted = names.index(chosen) if chosen in names else 0
            self.show_file(names[files.highlighted])

    def chosen_file(self) -> str | None:
        """The pack file being previewed, if any."""
        files = self.query_one("#pack-files", OptionList)
        if files.highlighted is None or files.option_count == 0:
            return None
        return files.get_option_at_index(files.highlighted).id

    def show_file(self, name: str) -> None:
        """Preview one pack file."""
        self._show_preview_error("")
        self.query_one("#preview-text", Markdown).update(self.pack.get(name, ""))

    def _show_preview_error(self, message: str) -> None:
        error = self.query_one("#preview-error", Static)
        error.update(message)
        error.set_class(not message, "-empty")

    @on(OptionList.OptionHighlighted, "#pack-files")
    def _file_chosen(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id is not None:
            self.show_file(event.option.id)

    def action_export(self) -> None:
        """Write the pack (0600 files) in the background; the outcome is shown when it is done."""
        self._show_status("Exporting the handover pack...", error=False)
        self.export_pack()

    @work(thread=True, exclusive=True, group="pack-export", exit_on_error=False)
    def export_pack(self) -> None:
        try:
            paths = self.session.export(self.out_dir, self.templates)
        except UserError as exc:
            self.post_message(self.ExportFinished(None, 0, str(exc)))
            return
        folder = paths[0].parent if paths else self.out_dir
        self.post_message(self.ExportFinished(folder, len(paths)))

    @on(ExportFinished)
    def _export_finished(self, event: ExportFinished) -> None:
        """A broken template or a failed write is shown, never raised."""
        if event.problem:
            self._show_status(f"✗ Export failed: {event.problem}", error=True)
            self.notify(event.problem, title="Pack not exported", severity="error", markup=False)
            return
        message = f"✓ Handover pack written to {event.folder} ({event.count} files)"
        self._show_status(message, error=False)
        self.notify(message, title="Pack exported", markup=False)

    def _show_status(self, message: str, error: bool) -> None:
        status = self.query_one("#handover-status", Static)
        status.update(message)
        status.set_class(error, "-error")
        status.remove_class("-empty")
