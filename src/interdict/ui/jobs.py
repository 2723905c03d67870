"""File screenings started from the web UI: run in a background thread, their state kept on disk.

A job is a folder under `<data home>/ui-jobs/<id>/`: the uploaded file, the
results screen-file writes (`results.jsonl`, then `results.csv`), and
`status.json`, rewritten (atomically) as rows are screened. On disk rather
than in memory, so a status poll or a download answered by another worker
process (`serve --workers N`) sees the same job, and finished results survive
a restart. A job whose thread died with its process stops updating its
heartbeat and is reported as interrupted, never as running for ever. Jobs are
deleted a day after they finish.

The work is `batch.screen_file`, the function behind `interdict screen-file`:
one result line per input row, in order, a row that cannot be read or
screened getting a line naming its error.
"""

from __future__ import annotations

import json
import logging
import re
import secrets
import shutil
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from ..atomic import atomic_write, write_text
from ..batch import read_records, results_csv, screen_file
from ..errors import InterdictError
from ..match.screener import Screener

log = logging.getLogger("interdict.ui")

KEEP_SECONDS = 24 * 3600
STALE_SECONDS = 120  # no heartbeat for this long: the process running the job is gone
HEARTBEAT_SECONDS = 0.25
UPLOAD_SUFFIXES = {".csv": ".csv", ".tsv": ".csv", ".txt": ".csv", ".xlsx": ".xlsx", ".xlsm": ".xlsm", ".jsonl": ".jsonl", ".ndjson": ".jsonl"}
_JOB_ID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


class JobState(StrEnum):
    QUEUED = "queued"
    READING = "reading"
    SCREENING = "screening"
    DONE = "done"
    FAILED = "failed"
    INTERRUPTED = "interrupted"


FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.INTERRUPTED})


@dataclass
class JobStatus:
    id: str
    owner: str
    filename: str
    state: JobState = JobState.QUEUED
    total: int | None = None
    done: int = 0
    created: float = field(default_factory=time.time)
    finished: float | None = None
    heartbeat: float = field(default_factory=time.time)
    summary: dict[str, int] = field(default_factory=dict)
    error: str | None = None
    datasets: list[str] = field(default_factory=list)

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(99, int(self.done * 100 / self.total))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["state"] = self.state.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> JobStatus:
        return cls(**{**data, "state": JobState(data["state"])})


class FileJobs:
    """The jobs of one data home; one screening thread per process (a second upload waits its turn)."""

    def __init__(self, folder: Path, threads: int = 1):
        self.folder = folder
        self._executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="interdict-ui-job")
        self._lock = threading.Lock()

    def new(self, owner: str, filename: str) -> tuple[JobStatus, Path]:
        """A queued job and the path its upload is to be written to. Raises InterdictError for a file type no reader takes."""
        suffix = UPLOAD_SUFFIXES.get(Path(filename).suffix.lower())
        if suffix is None:
            raise InterdictError(f"{filename!r}: upload a CSV, XLSX or JSONL file (.csv, .tsv, .xlsx, .jsonl); the columns are those of `interdict screen-file`.")
        self.sweep()
        status = JobStatus(id=secrets.token_urlsafe(18), owner=owner, filename=filename[:300])
        folder = self.folder / status.id
        folder.mkdir(parents=True, mode=0o700)
        self._save(status)
        return status, folder / f"input{suffix}"

    def start(self, status: JobStatus, upload: Path, screener: Screener, datasets: list[str] | None, limit: int, max_rows: int) -> None:
        status.datasets = list(datasets or [])
        self._save(status)
        self._executor.submit(self._run, status, upload, screener, datasets, limit, max_rows)

    def get(self, job_id: str) -> JobStatus | None:
        if not _JOB_ID.match(job_id):
            return None
        try:
            status = JobStatus.from_dict(json.loads((self.folder / job_id / "status.json").read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError, KeyError):
            return None
        if not status.is_finished and time.time() - status.heartbeat > STALE_SECONDS:
            status.state = JobState.INTERRUPTED
            status.error = "The server stopped while this file was being screened; upload it again."
        return status

    def path(self, job_id: str, name: str) -> Path:
        return self.folder / job_id / name

    def sweep(self) -> None:
        """Delete jobs finished (or abandoned) more than a day ago."""
        if not self.folder.is_dir():
            return
        now = time.time()
        for folder in self.folder.iterdir():
            status = self.get(folder.name) if folder.is_dir() else None
            stamp = (status.finished or status.heartbeat) if status is not None else folder.stat().st_mtime
            if now - stamp > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)

    def _save(self, status: JobStatus) -> None:
        status.heartbeat = time.time()
        write_text(self.folder / status.id / "status.json", json.dumps(status.to_dict()))

    def _run(self, status: JobStatus, upload: Path, screener: Screener, datasets: list[str] | None, limit: int, max_rows: int) -> None:
        folder = upload.parent
        try:
            status.state = JobState.READING
            self._save(status)
            total = sum(1 for _ in read_records(upload))  # a file no reader can read fails here, before any work
            if total > max_rows:
                raise InterdictError(f"{total:,} rows; the web UI screens at most {max_rows:,} per file. Split the file, or use `interdict screen-file`.")
            status.total, status.state = total, JobState.SCREENING
            self._save(status)
            last = [0.0]

            def progress(done: int) -> None:
                status.done = done
                if time.monotonic() - last[0] >= HEARTBEAT_SECONDS:
                    last[0] = time.monotonic()
                    self._save(status)

            summary = screen_file(screener, upload, folder / "results.jsonl", datasets=datasets, limit=limit, progress=progress)
            with (folder / "results.jsonl").open(encoding="utf-8") as lines, atomic_write(folder / "results.csv", newline="") as out:
                results_csv(lines, out)
            status.done = summary.written
            status.summary = {"rows": summary.rows, "written": summary.written, "matched": summary.matched_rows, "errors": summary.errors, "warnings": summary.warnings, "joined_lines": summary.joined_lines}
            status.state = JobState.DONE
        except InterdictError as exc:
            status.state, status.error = JobState.FAILED, str(exc).replace(str(upload), status.filename)
        except Exception:  # reported on the page; the details go to the log
            log.exception("screening the uploaded file %s failed", status.filename)
            status.state, status.error = JobState.FAILED, "Screening this file failed (an internal error; the server log has the details). Nothing was written."
        finally:
            status.finished = time.time()
            try:
                self._save(status)
            except OSError:
                log.exception("writing the status of job %s failed", status.id)
