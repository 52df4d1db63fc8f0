"""Every `launchwizard ...` command line the product prints exists: its command and every
option parse, and it runs with `--help` appended.

Collected from everything a user reads: the README, SECURITY.md, sprint.toml.example and the
CI kit; the pack's templates and a rendered pack; every monitoring export; and every string
the package itself can print (hints in checks, screens, commands), read from its syntax
trees (docstrings are documentation of the code, not output, and are left out). A line
with placeholders (`--output FILE`, `[--stage S]...`) is a synopsis: each option must exist
and each literal choice (`--format text|json|junit`) must be one the option accepts.
"""

from __future__ import annotations

import argparse
import ast
import contextlib
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from launchwizard.cli import COMMANDS, _parser, main

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "launchwizard"
DOCUMENTS = ("README.md", "SECURITY.md", "sprint.toml.example", "action.yml", ".pre-commit-hooks.yaml")
START = re.compile(r"(?:(?<=\s)|(?<=^)|(?<=[`(\"'/]))launchwizard (?=\S)")
PLACEHOLDER = re.compile(r"^(?:[A-Z][A-Z0-9_:.|/-]*|<[^>]*>|\.\.\.|…)$")
TRAILING = ".,;:)"


@dataclass(frozen=True)
class Printed:
    """One command line as printed, and where."""

    where: str
    tokens: tuple[str, ...]

    @property
    def text(self) -> str:
        return "launchwizard " + " ".join(self.tokens)


# ------------------------------------------------------------------ extraction


def _tokens(rest: str) -> list[str]:
    """The arguments of one printed command line, up to where the prose around it resumes:
    a closing backtick or parenthesis, a pipe or redirection, a comment, a sentence's end."""
    tokens: list[str] = []
    index = 0
    while index < len(rest):
        if rest[index] == " ":
            index += 1
            continue
        if rest[index] in "\"'":
            end = rest.find(rest[index], index + 1)
            if end < 0:
                break
            tokens.append(rest[index + 1 : end])
            index = end + 1
            continue
        end = rest.find(" ", index)
        raw = rest[index : end if end >= 0 else len(rest)]
        index = end if end >= 0 else len(rest)
        if raw[:1] in "(|;&#\\" or _redirection(raw):
            break
        cut = raw.split("`", 1)[0]
        stripped = cut.rstrip(TRAILING)
        if stripped and stripped not in ("...",) and stripped.endswith("..."):
            stripped = stripped[:-3]
        if stripped:
            tokens.append(stripped)
        if cut != raw or (stripped != cut and not cut.endswith("...")):
            break
    return tokens


def _redirection(token: str) -> bool:
    """`< token.txt`, `> out.sarif`, `2>&1`; not a placeholder such as `<channel>`."""
    return bool(re.match(r"^\d?[<>]", token)) and not (token.startswith("<") and token.endswith(">"))


def commands_in(text: str, where: str) -> Iterator[Printed]:
    """Every command line in `text`: `launchwizard` followed by one of its commands."""
    for line in text.splitlines():
        for match in START.finditer(line):
            tokens = _tokens(line[match.end() :])
            if tokens and tokens[0] in COMMANDS:
                yield Printed(where, tuple(tokens))


def printed_strings(path: Path) -> Iterator[str]:
    """The strings a module can print: literals and f-strings (placeholders as <x>), not
    docstrings or other bare string statements."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bare = {id(node.value) for node in ast.walk(tree) if isinstance(node, ast.Expr)}
    bare |= {id(part) for node in ast.walk(tree) if isinstance(node, ast.JoinedStr) for part in node.values}
    for node in ast.walk(tree):
        if id(node) in bare:
            continue
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            yield node.value
        elif isinstance(node, ast.JoinedStr):
            yield "".join(part.value if isinstance(part, ast.Constant) else "<x>" for part in node.values)


def sample_sprint(tmp_path: Path):
    import tomli_w

    from launchwizard.config import load_sprint

    path = tmp_path / "sprint.toml"
    document = {
        "sprint": {"client": "Acme", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
        "endpoints": {
            "homepage": "https://www.acme.test/",
            "health": "https://www.acme.test/health",
            "chat": {"url": "https://api.acme.test/v1/chat", "method": "POST", "body": '{"m": "{{prompt}}"}'},
        },
    }
    path.write_text(tomli_w.dumps(document), encoding="utf-8")
    return load_sprint(path)


def rendered_outputs(tmp_path: Path) -> Iterator[tuple[str, str]]:
    """What the product writes for people: every monitoring export and a pack."""
    from launchwizard.commands.monitors import render
    from launchwizard.monitoring.checkly import render_checkly
    from launchwizard.report.pack import PackInput, render_texts
    from launchwizard.state.model import SprintState
    from launchwizard.store.view import StoreView

    sprint = sample_sprint(tmp_path)
    for fmt in ("gatus", "kuma", "k6"):
        yield f"monitors export --format {fmt}", render(fmt, sprint)
    for name, text in render_checkly(sprint).items():
        yield f"monitors export --format checkly: {name}", text
    from datetime import UTC, datetime

    pack = PackInput(sprint, SprintState(), None, StoreView(()), datetime(2026, 11, 25, tzinfo=UTC))
    for pack_file, text in render_texts(pack):
        yield f"pack {pack_file.output}", text


def everything_printed(tmp_path: Path) -> list[Printed]:
    found: list[Printed] = []
    for name in DOCUMENTS:
        found += commands_in((ROOT / name).read_text(encoding="utf-8"), name)
    for path in sorted([*(ROOT / "ci").iterdir(), *(ROOT / "templates").glob("*.j2")]):
        found += commands_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    for path in sorted((ROOT / "tests" / "golden" / "pack").glob("*.md")):
        found += commands_in(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    for path in sorted(PACKAGE.rglob("*.py")):
        for text in printed_strings(path):
            found += commands_in(text, str(path.relative_to(ROOT)))
    for where, text in rendered_outputs(tmp_path):
        found += commands_in(text, where)
    return found


# ------------------------------------------------------------------ validation


def _subcommand(tokens: list[str]) -> tuple[argparse.ArgumentParser, list[str]]:
    """The parser of the (sub)command the tokens name, and the tokens after its name."""
    parser = _parser()
    while tokens:
        choices = next(
            (a.choices for a in parser._actions if isinstance(a, argparse._SubParsersAction)), None
        )
        if not isinstance(choices, dict) or tokens[0] not in choices:
            break
        parser, tokens = choices[tokens[0]], tokens[1:]
    return parser, tokens


def _value(action: argparse.Action, token: str) -> tuple[str, str | None]:
    """A concrete value for `token` (a placeholder becomes one the action accepts), or why
    a literal one (each of `a|b|c`) is not accepted."""
    if action.choices is None:
        sample = "1" if action.type in (int, float) else "x"
        return (sample if PLACEHOLDER.match(token) else token), None
    choices = [str(c) for c in action.choices]
    if PLACEHOLDER.match(token):
        return choices[0], None
    wrong = [part for part in token.split("|") if part not in choices]
    if wrong:
        return (
            token,
            f"{', '.join(wrong)} is not a choice of {'/'.join(action.option_strings) or action.dest}",
        )
    return token.split("|")[0], None


def _shell_value(token: str) -> str:
    """A shell variable in a CI file (`$LW_CONFIG`) stands for a value: a placeholder."""
    return "VALUE" if token.startswith("$") else token


def concrete(printed: Printed) -> tuple[list[str], str | None]:
    """The command line with placeholders filled in, or the first problem with it."""
    raw = [_shell_value(t.strip("[]")) for t in printed.tokens if t.strip("[]") and "[@]" not in t]
    parser, rest = _subcommand(raw)
    head = raw[: len(raw) - len(rest)]
    options = {s: a for a in parser._actions for s in a.option_strings}
    positionals = [
        a for a in parser._actions if not a.option_strings and not isinstance(a, argparse._SubParsersAction)
    ]
    out: list[str] = []
    index = 0
    while index < len(rest):
        token = rest[index]
        if token.startswith("-") and not PLACEHOLDER.match(token):
            name, _, inline = token.partition("=")
            action = options.get(name)
            if action is None:
                return [], f"no option {name} for `launchwizard {' '.join(head)}`"
            out.append(name)
            if action.nargs != 0 and not isinstance(action, argparse._HelpAction):
                named = inline or (rest[index + 1] if index + 1 < len(rest) else "...")
                index += 0 if inline or index + 1 >= len(rest) else 1
                filled, problem = _value(action, named)
                if problem:
                    return [], problem
                out.append(filled)
        elif token in ("...", "…"):
            pass
        elif positionals:
            filled, problem = _value(positionals.pop(0), token)
            if problem:
                return [], problem
            out.append(filled)
        else:
            out.append("x" if PLACEHOLDER.match(token) else token)
        index += 1
    return [*head, *out], None


def problem_with(printed: Printed) -> str | None:
    argv, problem = concrete(printed)
    if problem:
        return problem
    stderr = io.StringIO()
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(stderr):
        try:
            code = main([*argv, "--help"])
        except SystemExit as exc:
            code = int(exc.code or 0)
        if code != 0:
            return f"`--help` exited {code}: {stderr.getvalue().strip()}"
        try:
            _parser().parse_args(argv)
        except SystemExit:
            return stderr.getvalue().strip() or "does not parse"
    return None


# ------------------------------------------------------------------ the tests


def test_every_printed_command_line_parses(tmp_path: Path) -> None:
    printed = everything_printed(tmp_path)
    assert len(printed) > 80, "the collection found suspiciously few command lines"
    assert {p.tokens[0] for p in printed} >= {"check", "smoke", "store", "export", "monitors", "item"}
    broken = sorted({f"{p.where}: {p.text}\n    {problem}" for p in printed if (problem := problem_with(p))})
    assert not broken, "\n".join(broken)


@pytest.mark.parametrize(
    ("text", "tokens"),
    [
        ("run `launchwizard check --stage audit` first", ("check", "--stage", "audit")),
        (
            "(launchwizard store set monitors.alert_webhook (the URL on stdin)",
            ("store", "set", "monitors.alert_webhook"),
        ),
        (
            'launchwizard item alerts-routed done --evidence "test alert 1 seen in #alerts".',
            ("item", "alerts-routed", "done", "--evidence", "test alert 1 seen in #alerts"),
        ),
        (".venv/bin/launchwizard store set dns.api_token < token.txt", ("store", "set", "dns.api_token")),
        ("Exported with `launchwizard monitors export`:", ("monitors", "export")),
        (
            "launchwizard check [--stage S]... [--format text|json]",
            ("check", "[--stage", "S]", "[--format", "text|json]"),
        ),
        ("launchwizard eval: customers.yaml", ("eval",)),
    ],
)
def test_command_lines_are_cut_where_the_prose_resumes(text: str, tokens: tuple[str, ...]) -> None:
    assert [p.tokens for p in commands_in(text, "t")] == [tokens]


@pytest.mark.parametrize(
    "text",
    [
        "launchwizard test alert LW-1 for Acme",
        "launchwizard uptime monitor: reply",
        "the launchwizard keyring",
        "audited by launchwizard:allow",
    ],
)
def test_prose_that_names_the_product_is_not_a_command(text: str) -> None:
    problems = [problem_with(p) for p in commands_in(text, "t")]
    assert problems in ([], [None])


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("launchwizard store get monitors.alert_webhook --reveal", "no option --reveal"),
        ("launchwizard check --format yaml", "yaml is not a choice"),
        ("launchwizard monitors export --format gatus|nagios", "nagios is not a choice"),
        ("launchwizard item rollback-tested finished", "finished is not a choice"),
        ("launchwizard smoke now", "unrecognized arguments: now"),
    ],
)
def test_a_command_that_does_not_exist_is_caught(line: str, words: str) -> None:
    (printed,) = commands_in(line, "t")
    problem = problem_with(printed)
    assert problem is not None and words in problem
