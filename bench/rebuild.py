"""The service's index rebuild after a list update, in a process that runs other threads, side by side.

    python bench/rebuild.py

A process with threads (the service) may not fork workers (`cores.can_fork`). It used to build the index in its own
process on one core (baseline: `screening.build_lists_index` + `save_index`, what `load_or_build_index` did); it now
has a fresh interpreter build it on every core and loads the saved file (`screening.load_or_build_index`). Both run
here over a copy of bench/out/home's store (all bundled lists), beside a thread that only waits, with an empty index
cache each time. Prints wall times, this process's CPU time, its peak resident memory growth, and the ratio.
Results go to bench/out/rebuild.json.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "src"))
SOURCE = HERE / "out" / "home" / "interdict.db"


def main() -> None:
    if not SOURCE.is_file():
        sys.exit(f"{SOURCE} is missing: run bench/speed.py (or any bench) once to seed it")
    home = Path(tempfile.mkdtemp(prefix="interdict-rebuild-"))
    shutil.copy(SOURCE, home / "interdict.db")
    os.environ["INTERDICT_HOME"] = str(home)
    os.environ.pop("INTERDICT_DB", None)
    from interdict import screening
    from interdict.cores import can_fork, usable_cores
    from interdict.match.index import save_index
    from interdict.store import open_store

    release = threading.Event()
    other = threading.Thread(target=release.wait)  # the service's serving threads
    other.start()
    results: dict[str, dict[str, float]] = {}
    try:
        assert not can_fork()
        store = open_store()
        key = screening.index_key(store)
        path = screening.cache_path(key)

        def run(name: str, build: object) -> None:
            shutil.rmtree(path.parent, ignore_errors=True)
            wall, cpu = time.perf_counter(), time.process_time()
            index = build()  # type: ignore[operator]
            results[name] = {
                "wall_s": round(time.perf_counter() - wall, 1),
                "this_process_cpu_s": round(time.process_time() - cpu, 1),
                "peak_rss_mb_so_far": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
                "entries": float(index.size),
            }
            print(name, results[name], flush=True)

        def in_this_process() -> object:
            index = screening.build_lists_index(store.active_entities(), key)
            path.parent.mkdir(parents=True, exist_ok=True)
            save_index(index, path)
            return index

        # the separate build first, so that this process's peak memory so far is the separate build's
        run("separate_process", lambda: screening.load_or_build_index(store))
        run("this_process_one_core", in_this_process)
        store.engine.dispose()
    finally:
        release.set()
        other.join()
        shutil.rmtree(home, ignore_errors=True)
    ratio = results["this_process_one_core"]["wall_s"] / results["separate_process"]["wall_s"]
    print(f"usable cores {usable_cores()}: a rebuild beside threads takes {results['separate_process']['wall_s']} s "
          f"against {results['this_process_one_core']['wall_s']} s in the process itself (×{ratio:.2f} faster)")
    (HERE / "out").mkdir(exist_ok=True)
    (HERE / "out" / "rebuild.json").write_text(json.dumps({**results, "ratio": round(ratio, 2)}, indent=2))


if __name__ == "__main__":
    main()
