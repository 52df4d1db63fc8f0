"""The handover pack: markdown files rendered from jinja2 templates.

The templates ship inside the wheel as the package `launchwizard.templates` (the
repository's top-level `templates/` directory, mapped in pyproject.toml). A consultant
may point `templates_dir` at a directory holding only the files they want to change,
e.g. a branded README.md.j2; every other file falls back to the shipped one.

Template mistakes are the consultant's to fix, so they surface as one PackTemplateError
naming the file, the line and the missing variable, never as a jinja2 traceback. Every
file is rendered before any is written, so a broken template leaves the previous pack
as it was.
"""

from __future__ import annotations

import re
import traceback
from pathlib import Path

import jinja2

from launchwizard.errors import UserError
from launchwizard.report.pack_context import FILES, PACK_FILES, PackInput, build_context
from launchwizard.report.pack_views import PackFile
from launchwizard.safe.markdown import FILTERS
from launchwizard.state.atomic import ensure_private_dir, sweep_temporary_files, write_text_atomic

__all__ = ["FILES", "PACK_FILES", "PackInput", "PackTemplateError", "render_pack", "shipped_templates"]

SHIPPED_PACKAGE = "launchwizard.templates"
_FENCE = re.compile(r"^(`{3,}|~{3,})")


class PackTemplateError(UserError):
    """A template that cannot be rendered: where it is and what is wrong."""

    def __init__(self, template: str, line: int | None, problem: str) -> None:
        where = f"{template}, line {line}" if line else template
        super().__init__(f"template {where}: {problem}")
        self.template = template
        self.line = line
        self.problem = problem


def shipped_templates() -> jinja2.BaseLoader:
    """The templates inside the installed package; a bare source checkout (nothing
    installed, `launchwizard.templates` not importable) reads the repository's copy."""
    try:
        return jinja2.PackageLoader(SHIPPED_PACKAGE, ".")
    except (ModuleNotFoundError, ValueError):
        return jinja2.FileSystemLoader(Path(__file__).resolve().parents[2] / "templates")


def make_environment(templates_dir: Path | None = None) -> jinja2.Environment:
    """Strict undefined names, no HTML autoescape (our filters escape markdown), and the
    custom directory in front of the shipped templates, file by file.

    Templates run sandboxed (jinja2's immutable sandbox): a template from `--templates DIR`
    is code someone else may have written, and it must not reach Python's internals, the
    process environment or the keyring through the context; it only reads plain data.
    """
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    loaders: list[jinja2.BaseLoader] = [shipped_templates()]
    if templates_dir is not None:
        loaders.insert(0, jinja2.FileSystemLoader(templates_dir))
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.ChoiceLoader(loaders),
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


def render_pack(pack: PackInput, out_dir: Path, templates_dir: Path | None = None) -> list[Path]:
    """Render every pack file into `out_dir` (0600 each); returns the paths in pack order."""
    if templates_dir is not None and not templates_dir.is_dir():
        raise PackTemplateError(str(templates_dir), None, "the templates directory does not exist")
    rendered = render_texts(pack, templates_dir)
    ensure_private_dir(out_dir)
    sweep_temporary_files(out_dir)
    paths = []
    for pack_file, text in rendered:
        path = out_dir / pack_file.output
        write_text_atomic(path, text)
        paths.append(path)
    return paths


def render_texts(pack: PackInput, templates_dir: Path | None = None) -> list[tuple[PackFile, str]]:
    """Every pack file rendered in memory, in pack order (the wizard previews these)."""
    env = make_environment(templates_dir)
    context = build_context(pack)
    return [(f, render_file(env, f, context)) for f in PACK_FILES]


def render_file(env: jinja2.Environment, pack_file: PackFile, context: dict[str, object]) -> str:
    """One file, tidied; any template problem becomes a PackTemplateError."""
    try:
        template = env.get_template(pack_file.template)
        return tidy(template.render(context))
    except jinja2.TemplateSyntaxError as exc:
        raise PackTemplateError(
            exc.filename or exc.name or pack_file.template, exc.lineno, exc.message or "syntax error"
        ) from None
    except jinja2.TemplateNotFound as exc:
        raise PackTemplateError(pack_file.template, None, f"template {exc.name} not found") from None
    except Exception as exc:  # a template may fail in any way; say where, not how jinja2 works
        template_file, line = _template_frame(exc)
        raise PackTemplateError(template_file or pack_file.template, line, _problem(exc)) from exc


def _problem(exc: Exception) -> str:
    """jinja2's own words name the variable (`'owner' is undefined`); others get the type."""
    from jinja2.exceptions import SecurityError

    if isinstance(exc, jinja2.UndefinedError):
        return str(exc.message)
    if isinstance(exc, SecurityError):
        return f"refused by the template sandbox: {exc}"
    return f"{type(exc).__name__}: {exc}"


def _template_frame(exc: BaseException) -> tuple[str | None, int | None]:
    """The innermost traceback frame inside a template (jinja2 rewrites frames so they
    carry the template's file name and line)."""
    found: tuple[str | None, int | None] = (None, None)
    for frame, line in traceback.walk_tb(exc.__traceback__):
        filename = frame.f_code.co_filename
        if filename.endswith(".j2") or "<template>" in filename:
            found = (filename, line)
    return found


def tidy(text: str) -> str:
    """Trailing spaces gone and blank lines collapsed outside fenced blocks, one final
    newline: templates stay readable and the output stays stable."""
    out: list[str] = []
    fence: str | None = None
    for line in text.splitlines():
        if fence is not None:
            fence = None if _closes(line, fence) else fence
            out.append(line)
            continue
        line = line.rstrip()
        match = _FENCE.match(line)
        if match:
            fence = match.group(1)
        elif not line and (not out or not out[-1]):
            continue
        out.append(line)
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + "\n"


def _closes(line: str, fence: str) -> bool:
    """A closing fence: only the opening character, at least as many of it."""
    stripped = line.strip()
    return len(stripped) >= len(fence) and set(stripped) == {fence[0]}
