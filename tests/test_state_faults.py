"""State and store survive what real machines do: SIGKILL mid-save, a full disk, a read-only directory.

Each fault is real: the saving process is killed with SIGKILL, the file-size limit makes
the kernel refuse the write (EFBIG, as a full disk refuses with ENOSPC), and an unprivileged
process meets a directory it may not write to.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from launchwizard.state.model import SprintState
from launchwizard.state.runs import list_runs, load_run
from launchwizard.state.statefile import load_state, save_state, state_path
from launchwizard.store.filekeyring import EncryptedFileKeyring
from launchwizard.store.store import Store

SAVER = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from launchwizard.state.runs import save_run
    from launchwizard.state.statefile import load_state, save_state
    from launchwizard.store.filekeyring import EncryptedFileKeyring
    from launchwizard.store.store import Store
    directory = Path(sys.argv[1])
    store = Store(directory, "launchwizard:kill.test", EncryptedFileKeyring(directory / "unused.enc"))
    state = load_state(directory)
    number = len(state.items)
    while True:
        number += 1
        state.mark_done(f"item-{number}", "evidence " * 300 + str(number))
        save_state(directory, state)
        store.set(f"notes.entry_{number}", "note " * 200 + str(number))
        if number % 4 == 0:
            decision = {"verdict": "ship-now", "reasons": []}
            save_run(directory, {"schema": "launchwizard.run/1", "started_at": str(number),
                                 "results": [], "risks": [], "decision": decision})
        print(number, flush=True)
    """
)


SOAK_ROUNDS = int(os.environ.get("LAUNCHWIZARD_SOAK_ROUNDS", "25"))
"""Kills per run: 25 in CI; `LAUNCHWIZARD_SOAK_ROUNDS=300` for the soak."""

ROUNDS_PER_DIRECTORY = 25
"""Each save rewrites the whole file, so a long soak starts a fresh directory every 25 kills
to keep every round as fast as the first."""


def test_sigkill_at_random_moments_never_loses_an_acknowledged_save(tmp_path: Path) -> None:
    script = tmp_path / "saver.py"
    script.write_text(SAVER, encoding="utf-8")
    seed = int.from_bytes(os.urandom(4), "big")
    chooser = random.Random(seed)
    for round_number in range(SOAK_ROUNDS):
        if round_number % ROUNDS_PER_DIRECTORY == 0:
            directory = tmp_path / f"soak-{round_number // ROUNDS_PER_DIRECTORY}" / ".launchwizard"
            acknowledged = 0
        child = subprocess.Popen(
            [sys.executable, str(script), str(directory)], stdout=subprocess.PIPE, text=True
        )
        assert child.stdout is not None
        for _ in range(chooser.randint(1, 12)):
            acknowledged = int(child.stdout.readline())
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        state = load_state(directory)
        missing = [n for n in range(1, acknowledged + 1) if f"item-{n}" not in state.items]
        assert missing == [], f"seed {seed}, round {round_number}: lost {missing}"
        store = Store(directory, "launchwizard:kill.test", EncryptedFileKeyring(directory / "unused.enc"))
        lost = [n for n in range(1, acknowledged + 1) if store.get(f"notes.entry_{n}") is None]
        assert lost == [], f"seed {seed}, round {round_number}: store lost {lost}"
        for run_file in list_runs(directory):
            assert load_run(run_file)["schema"] == "launchwizard.run/1", f"seed {seed}: torn {run_file}"


FULL_DISK = textwrap.dedent(
    """
    import resource, signal, sys
    from pathlib import Path
    from launchwizard.state.atomic import WriteError
    from launchwizard.state.statefile import load_state, save_state
    directory = Path(sys.argv[1])
    state = load_state(directory)
    state.mark_done("big", "x" * 200_000)
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (65536, 65536))
    try:
        save_state(directory, state)
    except WriteError as error:
        print(error)
        sys.exit(3)
    """
)


def test_a_write_the_kernel_refuses_is_an_error_and_the_old_file_stays(tmp_path: Path) -> None:
    directory = tmp_path / ".launchwizard"
    state = SprintState()
    state.mark_done("small", "fits")
    save_state(directory, state)
    before = state_path(directory).read_bytes()
    done = subprocess.run(
        [sys.executable, "-c", FULL_DISK, str(directory)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout.strip() == (
        f"could not save {state_path(directory)}: the file is larger than this process may write; "
        "the previous version is unchanged"
    )
    assert state_path(directory).read_bytes() == before
    assert sorted(p.name for p in directory.iterdir()) == ["state.toml"]


READ_ONLY = textwrap.dedent(
    """
    import os, sys
    from pathlib import Path
    from launchwizard.state.atomic import WriteError
    from launchwizard.state.model import SprintState
    from launchwizard.state.statefile import save_state
    directory = Path(sys.argv[1])
    if os.geteuid() == 0:
        os.setgid(65534)
        os.setuid(65534)
    state = SprintState()
    state.mark_done("first", "saved while writable")
    save_state(directory, state)
    os.chmod(directory, 0o500)
    state.mark_done("second", "refused")
    try:
        save_state(directory, state)
    except WriteError as error:
        print(error)
        sys.exit(3)
    """
)


@pytest.fixture
def shared_dir() -> Iterator[Path]:
    """A directory an unprivileged user can reach (pytest's tmp_path is private to root)."""
    base = Path(tempfile.mkdtemp(prefix="launchwizard-ro-"))
    base.chmod(0o777)
    try:
        yield base
    finally:
        for path in (base, *base.rglob("*")):
            if path.is_dir():
                path.chmod(0o700)
        shutil.rmtree(base)


def test_a_read_only_directory_is_an_error_and_the_old_file_stays(shared_dir: Path) -> None:
    directory = shared_dir / ".launchwizard"
    done = subprocess.run(
        [sys.executable, "-c", READ_ONLY, str(directory)], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 3, done.stderr
    assert done.stdout.strip() == (
        f"could not save {state_path(directory)}: permission denied; the previous version is unchanged"
    )
    directory.chmod(0o700)
    saved = load_state(directory)
    assert list(saved.items) == ["first"]
