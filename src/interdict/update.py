"""Download the current official files and swap them in, only if they are sound.

Order of operations per dataset: download every file (size-capped, with a
timeout) → parse fully → check coverage against the active snapshot → write a
new snapshot and flip the active pointer in one transaction. A failure at any
step leaves the last good snapshot active and is reported, not raised, so one
broken source does not block the others.

The HTTP client comes from one place (`make_client`) and every official URL can
be redirected to a mirror, so tests serve files from a loopback server and
air-gapped sites from an internal one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from urllib.parse import urlparse

import httpx

from .errors import InterdictError, UpdateError
from .lists import load_parsed
from .sources import get_source
from .store import Snapshot, SnapshotStore

MAX_BYTES = 512 * 1024 * 1024
USER_AGENT = "interdict/0.1 (+https://github.com/interdict; sanctions screening)"

Progress = Callable[[str, str], None]  # (dataset, message)


@dataclass
class UpdateResult:
    dataset: str
    snapshot: Snapshot | None
    previous_entries: int | None
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def make_client(timeout: float = 120.0) -> httpx.Client:
    return httpx.Client(timeout=httpx.Timeout(timeout, connect=20.0), follow_redirects=True, headers={"User-Agent": USER_AGENT})


def mirror_url(mirror: str, dataset: str, official: str) -> str:
    """Where a mirror keeps an official file: {mirror}/{dataset}/{last path segment}."""
    name = urlparse(official).path.rstrip("/").rsplit("/", 1)[-1] or "index"
    return f"{mirror.rstrip('/')}/{dataset}/{name}"


def download(client: httpx.Client, url: str, what: str, max_bytes: int = MAX_BYTES) -> bytes:
    try:
        with client.stream("GET", url) as response:
            if response.status_code != 200:
                raise UpdateError(f"{what}: {url} answered HTTP {response.status_code}.")
            declared = response.headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > max_bytes:
                raise UpdateError(f"{what}: {url} announces {declared} bytes, over the {max_bytes} byte cap.")
            chunks: list[bytes] = []
            size = 0
            for chunk in response.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise UpdateError(f"{what}: {url} sent more than {max_bytes} bytes; refusing.")
                chunks.append(chunk)
            data = b"".join(chunks)
            # Content-Length counts the bytes on the wire, which differ from the
            # decoded body when the server compresses (Content-Encoding: gzip).
            received = response.num_bytes_downloaded
            if declared and declared.isdigit() and int(declared) != received:
                raise UpdateError(f"{what}: {url} was cut off ({received} of {declared} bytes).")
            return data
    except httpx.HTTPError as exc:
        raise UpdateError(f"{what}: downloading {url} failed: {exc.__class__.__name__}: {exc}") from None


def update_dataset(
    store: SnapshotStore,
    dataset: str,
    client: httpx.Client,
    mirror: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
) -> UpdateResult:
    source = get_source(dataset)
    previous = store.active_snapshot(dataset)
    previous_entries = previous.entries if previous else None
    try:
        files: dict[str, bytes] = {}
        origins: dict[str, tuple[str, str]] = {}
        for role, official in source.files.items():
            url = mirror_url(mirror, dataset, official) if mirror else official
            if progress:
                progress(dataset, f"downloading {role} from {url}")
            files[role] = download(client, url, f"{dataset} ({role})")
            origins[role] = (urlparse(official).path.rsplit("/", 1)[-1] or role, url)
        if progress:
            progress(dataset, "parsing and validating")
        snapshot = load_parsed(store, dataset, source.parser, files, origins, force=force)
        return UpdateResult(dataset, snapshot, previous_entries)
    except InterdictError as exc:
        return UpdateResult(dataset, None, previous_entries, error=str(exc))


def update(
    store: SnapshotStore,
    datasets: list[str] | None = None,
    mirror: str | None = None,
    force: bool = False,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
) -> list[UpdateResult]:
    """Update the named datasets (all registered ones by default)."""
    from .sources import registry

    names = datasets or list(registry())
    for name in names:
        get_source(name)  # unknown ids fail before any download
    own_client = client is None
    client = client or make_client()
    try:
        return [update_dataset(store, name, client, mirror=mirror, force=force, progress=progress) for name in names]
    finally:
        if own_client:
            client.close()
