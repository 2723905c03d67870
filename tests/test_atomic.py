"""Nothing half-written: output files are complete or absent, through kill -9 and a full disk.

A full disk is simulated for real with RLIMIT_FSIZE (the OS refuses to grow a
file past the limit: EFBIG) in a subprocess; kills are SIGKILLs of real
subprocesses, timed by watching the temporary file appear.
"""

from __future__ import annotations

import os
import random
import resource
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from interdict.atomic import atomic_write, remove_stale_temps, write_text


def temps(folder: Path) -> list[Path]:
    return sorted(folder.glob(".*.tmp"))


# --- the helper -----------------------------------------------------------------------------


def test_success_replaces_the_target_whole(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with atomic_write(target) as handle:
        handle.write("new\n")
        assert target.read_text() == "old\n"  # nothing visible until the end
        assert len(temps(tmp_path)) == 1
    assert target.read_text() == "new\n" and temps(tmp_path) == []


def test_a_failure_leaves_the_target_and_no_temp(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    with pytest.raises(RuntimeError):
        with atomic_write(target) as handle:
            handle.write("half")
            raise RuntimeError("the writer failed")
    assert target.read_text() == "old\n" and temps(tmp_path) == []
    with pytest.raises(ValueError):
        with atomic_write(tmp_path / "x", mode="a"):
            pass


def test_temps_of_dead_writers_are_removed_and_live_ones_kept(tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True)
    dead_pid = int(dead.stdout)
    left = tmp_path / f".out.jsonl.{dead_pid}.0123abcd.tmp"
    left.write_text("half")
    alive = tmp_path / f".out.jsonl.{os.getppid()}.0123abcd.tmp"  # our parent runs: someone else's live write
    alive.write_text("in progress")
    other = tmp_path / f".other.csv.{dead_pid}.89abcdef.tmp"
    other.write_text("half")
    unrelated = tmp_path / ".hidden.tmp"
    unrelated.write_text("not ours")
    write_text(tmp_path / "out.jsonl", "done\n")
    assert not left.exists() and alive.exists() and other.exists() and unrelated.exists()
    assert remove_stale_temps(tmp_path) == [other]
    assert alive.exists() and unrelated.exists()


def test_a_device_is_written_directly() -> None:
    with atomic_write(Path("/dev/null")) as handle:
        handle.write("discarded")
    assert Path("/dev/null").exists() and not Path("/dev/null").is_file()


# --- the CLI on a full disk -------------------------------------------------------------------


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-c", "from interdict.cli import main; main()", *args]


def env_for(home: Path) -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "INTERDICT_DB"} | {"INTERDICT_HOME": str(home), "COLUMNS": "250"}


@pytest.mark.parametrize("existing", [True, False], ids=["replacing", "new"])
def test_export_on_a_full_disk_leaves_the_target_untouched(un_db: str, tmp_path: Path, existing: bool) -> None:
    out = tmp_path / "out"
    out.mkdir()
    target = out / "lists.jsonl"
    if existing:
        target.write_text("the previous export\n")
    limit = 200_000  # the UN list exports to several MB

    def full_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    run = subprocess.run(
        cli_command("export", "--out", str(target), "--db", un_db),
        env=env_for(tmp_path / "home"),
        capture_output=True,
        text=True,
        preexec_fn=full_disk,
        timeout=300,
    )
    message = " ".join(run.stderr.split())
    assert run.returncode == 2, run.stderr
    assert f"error: Cannot write {target}: File too large. Nothing was written; {target} is as it was before." in message
    assert "Traceback" not in run.stderr
    assert (target.read_text() if existing else target.exists()) == ("the previous export\n" if existing else False)
    assert temps(out) == []


# --- kill -9 ----------------------------------------------------------------------------------


def wait_for_temp(folder: Path, proc: subprocess.Popen[bytes], timeout: float = 300) -> bool:
    """Poll (every millisecond) until `proc`'s temp file appears in `folder`; False if the process ended first."""
    deadline = time.monotonic() + timeout
    while not list(folder.glob(f".*.{proc.pid}.*.tmp")):
        if proc.poll() is not None:
            return False
        assert time.monotonic() < deadline
        time.sleep(0.001)
    return True


def test_export_killed_while_writing_leaves_no_truncated_file(un_db: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    reference = tmp_path / "reference.jsonl"
    env = env_for(tmp_path / "home")
    first = subprocess.Popen(cli_command("export", "--out", str(reference), "--db", un_db), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for_temp(tmp_path, first)
    started = time.monotonic()
    assert first.wait(300) == 0
    writing = time.monotonic() - started  # from the temp file's appearance to the end of the process
    expected = reference.read_bytes()
    target = out / "lists.jsonl"
    target.write_text("the previous export\n")
    rng = random.Random(7)
    outcomes = []
    for attempt in range(12):
        if outcomes.count("killed while writing") >= 3:
            break
        proc = subprocess.Popen(cli_command("export", "--out", str(target), "--db", un_db), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait_for_temp(out, proc):
            time.sleep(rng.uniform(0, writing * 0.3))  # `writing` includes the rename and the process's exit
            proc.send_signal(signal.SIGKILL)
        code = proc.wait(60)
        content = target.read_bytes()
        # Never truncated: the previous file, or (killed after the rename) the complete new one.
        assert content in (b"the previous export\n", expected), f"attempt {attempt}: a truncated target"
        outcomes.append("killed while writing" if code == -signal.SIGKILL and content != expected else "finished")
        if outcomes[-1] == "killed while writing":
            assert list(out.glob(f".lists.jsonl.{proc.pid}.*.tmp")), "a killed writer leaves its temp file"
        target.write_text("the previous export\n")
    assert outcomes.count("killed while writing") >= 3, outcomes
    if not temps(out):  # the last attempt finished and cleaned up: leave one killed writer's temp for the final run
        proc = subprocess.Popen(cli_command("export", "--out", str(target), "--db", un_db), env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if wait_for_temp(out, proc):
            proc.send_signal(signal.SIGKILL)
        proc.wait(60)
    done = subprocess.run(cli_command("export", "--out", str(target), "--db", un_db), env=env, capture_output=True, timeout=300)
    assert done.returncode == 0
    assert target.read_bytes() == expected
    assert temps(out) == [], "the next write removed the temp files of the killed writers"


def test_index_save_killed_half_way_leaves_no_cache_and_the_next_run_cleans_up(tmp_path: Path) -> None:
    from interdict.lists import seed_bundle
    from interdict.match.index import load_index
    from interdict.store import open_store

    url = f"sqlite:///{tmp_path / 'cons.db'}"
    store = open_store(url)
    seed_bundle(store, ["us_ofac_cons"])  # 442 entries: the index builds in seconds and saves 1 MB
    store.engine.dispose()
    home = tmp_path / "home"
    cache = home / "cache"
    cache.mkdir(parents=True)
    script = "import sys; from interdict import screening; screening.open_screener(sys.argv[1])"
    proc = subprocess.Popen([sys.executable, "-c", script, url], env=env_for(home), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    assert wait_for_temp(cache, proc), "the save did not start"
    proc.send_signal(signal.SIGKILL)
    assert proc.wait(60) == -signal.SIGKILL
    (left,) = temps(cache)
    assert list(cache.glob("index-*.idx")) == []  # no half-written cache under the real name

    subprocess.run([sys.executable, "-c", script, url], env=env_for(home), check=True, timeout=600)
    assert not left.exists() and temps(cache) == []
    (saved,) = cache.glob("index-*.idx")
    assert load_index(saved) is not None
