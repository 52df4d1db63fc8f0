"""Work-tree and history scans on real git repositories built with gitrepo, with the real
rule engine (no mocked git).

Secret values come from fakesecrets at run time; none is written in this file.
"""

from __future__ import annotations

import os
import stat
import subprocess
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from launchwizard.demo import fakesecrets
from launchwizard.demo.gitrepo import FIRST_DATE, Commit, build_repo, clone_shallow, git
from launchwizard.secrets.engine import Scanner
from launchwizard.secrets.gitlog import unquote_c_path
from launchwizard.secrets.model import Finding, Source
from launchwizard.secrets.repo import (
    GIT_MISSING,
    NOT_A_REPOSITORY,
    RepoError,
    scan_history,
    scan_repository,
    scan_worktree,
)

GITHUB = "github-token"
STRIPE = "stripe-secret-key"
AWS = "aws-access-key-id"
SENDGRID = "sendgrid-api-key"


class CountingScanner(Scanner):
    """The real rule engine, counting its scan_text calls so a test can cancel at a chosen
    point of the scan (never at a time)."""

    def __init__(self) -> None:
        super().__init__()
        self.texts_scanned = 0
        self.on_scan: Callable[[], None] | None = None

    def scan_text(
        self, text: str, path: str, *, source: Source = "file", line_map: Sequence[int] | None = None
    ) -> list[Finding]:
        self.texts_scanned += 1
        if self.on_scan is not None:
            self.on_scan()
        return super().scan_text(text, path, source=source, line_map=line_map)

    def cancel_after(self, scans: int, cancel: threading.Event) -> None:
        """Set `cancel` once `scans` texts have been scanned."""

        def check() -> None:
            if self.texts_scanned >= scans:
                cancel.set()

        self.texts_scanned = 0
        self.on_scan = check


@pytest.fixture
def scanner() -> CountingScanner:
    return CountingScanner()


def secret_line(rule: str, seed: int = 0) -> str:
    return fakesecrets.line(rule, seed) + "\n"


def iso(index: int) -> str:
    """The author date gitrepo gives the commit at `index` (0-based) by default."""
    from datetime import UTC, datetime

    return datetime.fromtimestamp(FIRST_DATE + index * 3600, UTC).isoformat()


def commits_of(root: Path, ref: str = "main") -> list[str]:
    """Commit ids of `ref`, oldest first."""
    return git(root, "rev-list", "--reverse", ref).stdout.split()


def code(lines: int, prefix: str = "x") -> str:
    return "".join(f"{prefix}{i} = {i}\n" for i in range(lines))


# ---------------------------------------------------------------- history


def test_deleted_secret_is_found_at_its_commit_date_path_and_line_and_not_in_head(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    root = build_repo(
        tmp_path / "repo",
        [
            Commit("scaffold", {"app/settings.py": code(5)}),
            Commit("add key", {"app/settings.py": code(5) + secret_line(GITHUB) + code(2, "y")}),
            Commit("remove key", {"app/settings.py": code(5) + code(2, "y")}),
        ],
    )
    history = scan_history(root, scanner)
    assert history.unavailable is None and history.error is None
    assert history.commits == 3
    [finding] = history.findings
    assert finding.source == "history"
    assert finding.rule == GITHUB
    assert finding.commit == commits_of(root)[1]
    assert finding.date == iso(1)
    assert (finding.path, finding.line) == ("app/settings.py", 6)
    assert finding.in_head is False


def test_secret_still_present_is_in_head_and_in_the_worktree_scan(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    root = build_repo(
        tmp_path / "repo",
        [
            Commit("scaffold", {"README.md": "hello\n"}),
            Commit("config", {".env": "DEBUG=1\n" + secret_line(STRIPE)}),
        ],
    )
    scan = scan_repository(root, scanner)
    [head] = scan.worktree.findings
    assert (head.source, head.commit, head.path, head.line) == ("worktree", None, ".env", 2)
    [past] = scan.history.findings
    assert past.in_head is True
    assert past.commit == commits_of(root)[1]
    assert ".env" in scan.worktree.tracked_files


def test_same_blob_on_two_branches_is_scanned_once(tmp_path: Path, scanner: CountingScanner) -> None:
    content = code(3) + secret_line(AWS)
    root = build_repo(
        tmp_path / "repo",
        [
            Commit("root", {"README.md": "hi\n"}),
            Commit("side starts", {"notes.txt": "side\n"}, branch="side"),
            Commit("main adds", {"deploy/aws.cfg": content}),
            Commit("side adds the same file", {"deploy/aws.cfg": content}, branch="side"),
        ],
    )
    history = scan_history(root, scanner)
    assert history.commits == 4
    assert history.blobs_already_seen == 1
    assert history.blobs_scanned == 3
    [finding] = history.findings
    assert finding.commit == commits_of(root, "main")[1]


def test_secret_only_on_a_side_branch_is_found(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(
        tmp_path / "repo",
        [
            Commit("root", {"src/app.ts": "export const x = 1;\n"}),
            Commit("wip", {"src/mail.ts": secret_line(SENDGRID)}, branch="feature/mail"),
            Commit("main moves on", {"src/app.ts": "export const x = 2;\n"}),
        ],
    )
    history = scan_history(root, scanner)
    [finding] = history.findings
    assert finding.path == "src/mail.ts"
    assert finding.commit == commits_of(root, "feature/mail")[-1]
    assert finding.in_head is False


def test_line_numbers_follow_edits_above_the_secret(tmp_path: Path, scanner: CountingScanner) -> None:
    first = code(10)
    second = code(4, "new") + first[: first.index("x5")] + secret_line(GITHUB, 1) + first[first.index("x5") :]
    third = "# header\n" * 7 + second.replace("x9 = 9\n", "x9 = 9\n" + secret_line(STRIPE, 2))
    root = build_repo(
        tmp_path / "repo",
        [
            Commit("one", {"lib/conf.py": first}),
            Commit("two", {"lib/conf.py": second}),
            Commit("three", {"lib/conf.py": third}),
        ],
    )
    history = scan_history(root, scanner)
    by_rule = {f.rule: f for f in history.findings}
    expected_github = second.splitlines().index(fakesecrets.line(GITHUB, 1)) + 1
    expected_stripe = third.splitlines().index(fakesecrets.line(STRIPE, 2)) + 1
    assert (by_rule[GITHUB].line, by_rule[GITHUB].commit) == (expected_github, commits_of(root)[1])
    assert (by_rule[STRIPE].line, by_rule[STRIPE].commit) == (expected_stripe, commits_of(root)[2])
    assert (expected_github, expected_stripe) == (10, 23)


def test_secret_rewritten_later_keeps_the_introducing_commit(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    line = secret_line(AWS, 3)
    root = build_repo(
        tmp_path / "repo",
        [
            Commit("add", {"infra/keys.txt": line}),
            Commit("delete", {"infra/keys.txt": None}),
            Commit("again", {"infra/keys.txt": "# restored\n" + line}),
        ],
    )
    [finding] = scan_history(root, scanner).findings
    assert finding.commit == commits_of(root)[0]
    assert finding.line == 1
    assert finding.in_head is True


def test_lines_that_look_like_diff_headers_do_not_confuse_the_parser(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    content = "++ b/other.py\n-- a/other.py\ndiff --git a/x b/x\n@@ -1 +1 @@\n" + secret_line(GITHUB, 4)
    root = build_repo(tmp_path / "repo", [Commit("tricky", {"docs/patch.txt": content})])
    [finding] = scan_history(root, scanner).findings
    assert (finding.path, finding.line) == ("docs/patch.txt", 5)


def test_odd_paths_are_reported_as_they_are(tmp_path: Path, scanner: CountingScanner) -> None:
    paths = ['config dir/my "prod" key.env', "dép/clé.py", "tab\there.txt"]
    root = build_repo(
        tmp_path / "repo",
        [Commit("odd", {path: secret_line(STRIPE, seed) for seed, path in enumerate(paths)})],
    )
    history = scan_history(root, scanner)
    assert sorted(f.path for f in history.findings) == sorted(paths)
    assert all(f.in_head for f in history.findings)


def test_unquote_c_path() -> None:
    assert unquote_c_path(b'"b/caf\\303\\251 \\"x\\"\\t.txt"') == 'b/café "x"\t.txt'.encode()
    assert unquote_c_path(b"b/plain.txt") == b"b/plain.txt"


def test_merges_do_not_scan_twice(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(
        tmp_path / "repo",
        [
            Commit("root", {"a.txt": "a\n"}),
            Commit("feature", {"b.txt": secret_line(SENDGRID, 5)}, branch="feature"),
            Commit("main", {"a.txt": "a2\n"}),
            Commit("merge feature", {"b.txt": secret_line(SENDGRID, 5)}, merge="feature"),
        ],
    )
    history = scan_history(root, scanner)
    assert len(history.findings) == 1
    assert history.findings[0].in_head is True
    assert history.file_diffs == 3


def test_binary_files_are_skipped_in_both_scans(tmp_path: Path, scanner: CountingScanner) -> None:
    blob = b"\x89PNG\0\0" + fakesecrets.value(GITHUB, 6).encode() + b"\0" * 100
    root = build_repo(tmp_path / "repo", [Commit("bin", {"assets/blob.dat": blob, "a.txt": "a\n"})])
    scan = scan_repository(root, scanner)
    assert scan.findings == ()
    assert scan.worktree.skipped == {"binary": 1}
    assert scan.history.binary_skipped == 1


def test_invalid_utf8_is_scanned_with_right_line_numbers(tmp_path: Path, scanner: CountingScanner) -> None:
    content = b"caf\xe9 \xff\xfe latin-1 text\n\xc3\x28 broken\n" + secret_line(AWS, 7).encode()
    root = build_repo(tmp_path / "repo", [Commit("latin", {"legacy.ini": content})])
    scan = scan_repository(root, scanner)
    assert [(f.source, f.line) for f in scan.findings] == [("worktree", 3), ("history", 3)]


def test_path_rules_skip_files_in_both_scans(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(
        tmp_path / "repo",
        [Commit("vendored", {"web/node_modules/pkg/index.js": secret_line(GITHUB, 8), "a.png": "x\n"})],
    )
    scan = scan_repository(root, scanner)
    assert scan.findings == ()
    assert scan.worktree.skipped == {"path-rule": 2}
    assert scan.history.path_skipped == 2


def test_huge_history_diff_is_cut_at_the_cap(tmp_path: Path, scanner: CountingScanner) -> None:
    content = secret_line(STRIPE, 9) + code(500)
    root = build_repo(tmp_path / "repo", [Commit("big", {"big.py": content})])
    history = scan_history(root, scanner, max_diff_bytes=1000)
    assert history.truncated_diffs == 1
    assert len(history.findings) == 1
    assert history.bytes_scanned <= 1000


def test_one_huge_line_in_history_is_scanned_up_to_the_cap(tmp_path: Path, scanner: CountingScanner) -> None:
    minified = "var a=1;" * 200 + fakesecrets.line(GITHUB, 23) + ";" + "var b=2;" * 5000
    root = build_repo(tmp_path / "repo", [Commit("bundle", {"dist/app.js": minified})])
    history = scan_history(root, scanner, max_diff_bytes=4000)
    assert history.truncated_diffs == 1
    assert history.bytes_scanned == 4000
    assert [f.rule for f in history.findings] == [GITHUB]


def test_ten_thousand_commits_finish_with_every_secret(tmp_path: Path, scanner: CountingScanner) -> None:
    seeds = range(20)

    def commits() -> Iterator[Commit]:
        for i in range(10_000):
            changes: dict[str, str | bytes | None] = {f"src/module_{i % 40}.py": code(3, f"v{i}_")}
            if i % 500 == 250:
                seed = i // 500
                changes[f"config/env_{seed}.txt"] = secret_line(GITHUB, seed) + secret_line(STRIPE, seed)
            if i % 1000 == 350:
                changes[f"config/env_{(i - 100) // 500}.txt"] = None
            yield Commit(f"commit {i}", changes)

    root = build_repo(tmp_path / "repo", commits())
    history = scan_history(root, scanner)
    assert history.commits == 10_000
    assert history.error is None and not history.cancelled
    assert len(history.findings) == 2 * len(seeds)
    assert sum(1 for f in history.findings if f.in_head) == 2 * 10


# ---------------------------------------------------------------- cancellation


def test_cancel_during_history_stops_git_and_says_so(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(tmp_path / "repo", [Commit(f"c{i}", {"f.py": code(3, f"v{i}_")}) for i in range(3000)])
    worktree = scan_worktree(root, scanner)
    cancel = threading.Event()
    scanner.cancel_after(100, cancel)
    history = scan_history(root, scanner, cancel=cancel, worktree=worktree)
    assert history.cancelled
    assert history.error is None
    assert 0 < history.commits < 3000


def test_cancel_before_start_scans_nothing(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(tmp_path / "repo", [Commit("c", {"a.txt": secret_line(GITHUB)})])
    cancel = threading.Event()
    cancel.set()
    scan = scan_repository(root, scanner, cancel=cancel)
    assert scan.worktree.cancelled and scan.history.cancelled
    assert scan.findings == ()


def test_cancel_during_worktree_scan(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(tmp_path / "repo", [Commit("c", {f"f{i}.txt": f"{i}\n" for i in range(50)})])
    cancel = threading.Event()
    scanner.cancel_after(10, cancel)
    worktree = scan_worktree(root, scanner, cancel=cancel)
    assert worktree.cancelled
    assert worktree.files_scanned == 10


# ---------------------------------------------------------------- work tree


def test_worktree_scans_untracked_and_edited_files_but_not_ignored_ones(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    root = build_repo(
        tmp_path / "repo",
        [Commit("init", {".gitignore": "*.local\n", "app.py": "print(1)\n"})],
    )
    (root / "scratch.txt").write_text(secret_line(GITHUB, 10))
    (root / "keys.local").write_text(secret_line(STRIPE, 10))
    (root / "app.py").write_text("print(1)\n" + secret_line(AWS, 10))
    worktree = scan_worktree(root, scanner)
    assert worktree.kind == "git"
    assert sorted((f.path, f.rule) for f in worktree.findings) == [("app.py", AWS), ("scratch.txt", GITHUB)]
    assert worktree.tracked_files == (".gitignore", "app.py")
    assert worktree.untracked_files == ("scratch.txt",)
    assert worktree.files_scanned == 3


def test_worktree_skips_symlinks_fifos_missing_and_unreadable_files(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text(secret_line(GITHUB, 11))
    tracked = {"gone.txt": "x\n", "locked.txt": "y\n", "pipe": "z\n"}
    root = build_repo(tmp_path / "repo", [Commit("init", tracked)])
    (root / "gone.txt").unlink()
    (root / "pipe").unlink()
    (root / "link.txt").symlink_to(outside / "secret.txt")
    (root / "linkdir").symlink_to(outside)
    os.mkfifo(root / "pipe")
    (root / "locked.txt").chmod(0)
    try:
        worktree = scan_worktree(root, scanner)
    finally:
        (root / "locked.txt").chmod(stat.S_IRUSR | stat.S_IWUSR)
    assert worktree.findings == ()
    expected = {"missing": 1, "symlink": 2, "not-regular": 1}
    if os.geteuid() != 0:
        expected["unreadable"] = 1
    assert worktree.skipped == expected


def test_huge_worktree_file_is_scanned_to_its_end(tmp_path: Path, scanner: CountingScanner) -> None:
    """Windows of MAX_FILE_BYTES with an overlap: a key at the start, one straddling the first
    window's edge and one at the end are all found once, on their own lines."""
    from launchwizard.secrets.repo import MAX_FILE_BYTES

    root = tmp_path / "plain"
    root.mkdir()
    row = "z" * 79 + "\n"
    before_edge = (MAX_FILE_BYTES - 20) // len(row)
    text = secret_line(SENDGRID, 12) + row * before_edge
    text += "x" * (MAX_FILE_BYTES - len(text) - 10) + "\n" + secret_line(STRIPE, 12)
    text += row * (MAX_FILE_BYTES // len(row)) + secret_line(GITHUB, 12)
    (root / "dump.sql").write_text(text)
    worktree = scan_worktree(root, scanner)
    assert worktree.truncated_files == ()
    assert worktree.bytes_scanned == len(text)
    lines = text.split("\n")
    expected = [
        (rule, next(n for n, line in enumerate(lines, 1) if line == fakesecrets.line(rule, 12)))
        for rule in (SENDGRID, STRIPE, GITHUB)
    ]
    assert [(f.rule, f.line) for f in worktree.findings] == expected
    alone = [
        Scanner().scan_text(fakesecrets.line(rule, 12), "x")[0].column for rule in (SENDGRID, STRIPE, GITHUB)
    ]
    assert [f.column for f in worktree.findings] == alone


async def test_a_file_past_the_streaming_cap_is_reported_not_passed(
    tmp_path: Path, monkeypatch, run_check
) -> None:
    import tomli_w

    from launchwizard.config import load_sprint
    from launchwizard.secrets import repo
    from launchwizard.secrets.scan import scan_path

    monkeypatch.setattr(repo, "MAX_STREAMED_BYTES", 2 * repo.MAX_FILE_BYTES)
    root = tmp_path / "plain"
    root.mkdir()
    (root / "export.csv").write_text(("y" * 99 + "\n") * (3 * repo.MAX_FILE_BYTES // 100))
    for command in (
        ["init", "-q"],
        ["add", "."],
        ["-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "x"],
    ):
        subprocess.run(["git", *command], cwd=root, check=True)
    scan = scan_path(root, history=False)
    assert scan.worktree is not None and scan.worktree.truncated_files == ("export.csv",)
    assert scan.report.stats["files_partly_scanned"] == 1
    assert any("export.csv" in note and "scanned only that far" in note for note in scan.report.notes)
    assert scan.incomplete
    document = {
        "sprint": {"client": "Acme", "canonical": "https://www.acme.test/"},
        "domains": {"apex": "acme.test", "hosts": ["www.acme.test"]},
        "repo": {"path": str(root)},
    }
    (tmp_path / "sprint.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
    result = (await run_check(load_sprint(tmp_path / "sprint.toml"), "secrets.repo"))["plain"]
    assert result.status == "warn", result.summary
    assert "not everything was scanned" in result.summary and "export.csv" in result.summary


def test_plain_directory_scans_files_and_history_says_not_a_repository(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    root = tmp_path / "plain"
    (root / "src").mkdir(parents=True)
    (root / "node_modules" / "pkg").mkdir(parents=True)
    (root / "src" / "keys.py").write_text(secret_line(GITHUB, 13))
    (root / "node_modules" / "pkg" / "x.js").write_text(secret_line(STRIPE, 13))
    scan = scan_repository(root, scanner)
    assert scan.worktree.kind == "directory"
    assert [f.path for f in scan.worktree.findings] == ["src/keys.py"]
    assert scan.worktree.pruned_dirs == 1
    assert scan.history.unavailable == NOT_A_REPOSITORY
    assert scan.history.findings == ()


def test_subdirectory_of_a_repository_is_a_plain_directory(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(tmp_path / "repo", [Commit("c", {"sub/a.txt": secret_line(AWS, 14)})])
    scan = scan_repository(root / "sub", scanner)
    assert scan.worktree.kind == "directory"
    assert [f.path for f in scan.worktree.findings] == ["a.txt"]
    assert scan.history.unavailable == NOT_A_REPOSITORY


def test_missing_path_and_a_file_raise_a_one_line_reason(tmp_path: Path, scanner: CountingScanner) -> None:
    with pytest.raises(RepoError, match="no such directory"):
        scan_worktree(tmp_path / "nope", scanner)
    (tmp_path / "file.txt").write_text("x")
    with pytest.raises(RepoError, match="not a directory"):
        scan_history(tmp_path / "file.txt", scanner)


def test_empty_repository(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(tmp_path / "repo", [])
    (root / "draft.txt").write_text(secret_line(GITHUB, 15))
    scan = scan_repository(root, scanner)
    assert scan.history.commits == 0
    assert scan.history.error is None and scan.history.unavailable is None
    assert "the repository has no commits yet" in scan.history.notes
    assert [f.path for f in scan.worktree.findings] == ["draft.txt"]


def test_shallow_clone_is_flagged_and_scans_what_exists(tmp_path: Path, scanner: CountingScanner) -> None:
    source = build_repo(
        tmp_path / "source",
        [
            Commit("old secret", {"old.txt": secret_line(GITHUB, 16)}),
            Commit("remove", {"old.txt": None}),
            Commit("new secret", {"new.txt": secret_line(STRIPE, 16)}),
        ],
    )
    clone = clone_shallow(source, tmp_path / "clone", depth=1)
    history = scan_history(clone, scanner)
    assert history.shallow
    assert any("shallow" in note for note in history.notes)
    assert [f.rule for f in history.findings] == [STRIPE]
    assert scan_history(source, scanner).shallow is False


def test_git_missing_from_path(
    tmp_path: Path, scanner: CountingScanner, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = build_repo(tmp_path / "repo", [Commit("c", {"a.txt": secret_line(AWS, 17)})])
    empty_bin = tmp_path / "bin"
    empty_bin.mkdir()
    monkeypatch.setenv("PATH", str(empty_bin))
    scan = scan_repository(root, scanner)
    assert scan.history.unavailable == GIT_MISSING
    assert [f.path for f in scan.worktree.findings] == ["a.txt"]
    assert any("git is not installed" in note for note in scan.worktree.notes)


def test_hostile_repository_config_runs_nothing_and_changes_nothing(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    root = build_repo(tmp_path / "repo", [Commit("first", {"a.txt": secret_line(GITHUB, 18)})])
    marker = tmp_path / "ran"
    script = tmp_path / "evil.sh"
    script.write_text(f"#!/bin/sh\ntouch {marker}\n")
    script.chmod(0o755)
    hooks = root / ".git" / "hooks"
    for hook in ("post-checkout", "pre-commit", "fsmonitor-watchman"):
        (hooks / hook).write_text(f"#!/bin/sh\ntouch {marker}\n")
        (hooks / hook).chmod(0o755)
    (root / ".gitattributes").write_text("*.txt diff=evil\n")
    for key, value in (
        ("core.fsmonitor", str(script)),
        ("diff.external", str(script)),
        ("diff.evil.textconv", str(script)),
        ("core.pager", str(script)),
        ("diff.noprefix", "true"),
        ("log.showRoot", "false"),
        ("log.showSignature", "true"),
        ("core.quotePath", "true"),
        ("core.worktree", str(tmp_path)),
    ):
        git(root, "config", key, value)
    scan = scan_repository(root, scanner)
    assert not marker.exists()
    assert [(f.path, f.line, f.source) for f in scan.findings] == [
        ("a.txt", 1, "worktree"),
        ("a.txt", 1, "history"),
    ]


def test_bare_repository_has_history_but_no_work_tree(tmp_path: Path, scanner: CountingScanner) -> None:
    source = build_repo(tmp_path / "source", [Commit("c", {"a.txt": secret_line(GITHUB, 19)})])
    git(tmp_path, "clone", "-q", "--bare", str(source), "bare.git")
    scan = scan_repository(tmp_path / "bare.git", scanner)
    assert scan.worktree.kind == "bare"
    assert scan.worktree.findings == ()
    [finding] = scan.history.findings
    assert (finding.path, finding.in_head) == ("a.txt", None)


def test_git_failing_half_way_keeps_what_was_found_and_says_why(
    tmp_path: Path, scanner: CountingScanner
) -> None:
    root = build_repo(tmp_path / "repo", [Commit("early", {"early.txt": secret_line(STRIPE, 20)})])
    (root / "late.txt").write_text(secret_line(GITHUB, 20))
    git(root, "add", "late.txt")
    git(root, "commit", "-q", "-m", "late")
    blob = git(root, "rev-parse", "HEAD:late.txt").stdout.strip()
    (root / ".git" / "objects" / blob[:2] / blob[2:]).unlink()
    history = scan_history(root, scanner)
    assert history.error is not None and "unable to read" in history.error
    assert [f.path for f in history.findings] == ["early.txt"]
    assert not history.cancelled


def test_max_commits_limits_the_history_on_purpose(tmp_path: Path, scanner: CountingScanner) -> None:
    root = build_repo(
        tmp_path / "repo",
        [Commit("old", {"old.txt": secret_line(AWS, 21)}), Commit("new", {"new.txt": secret_line(AWS, 22)})],
    )
    history = scan_history(root, scanner, max_commits=1)
    assert history.limited and history.commits == 1
    assert [f.path for f in history.findings] == ["new.txt"]
    assert any("limited" in note for note in history.notes)
