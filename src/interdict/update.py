"""Download the current official files and swap them in, only if they are sound.

Order of operations per dataset: download every file (size-capped, with a
timeout) → parse fully → check coverage against the active snapshot → write a
new snapshot and flip the active pointer in one transaction. A failure at any
step leaves the last good snapshot active and is reported, not raised, so one
broken source does not block the others.

Files are verified against an expected sha256 before parsing when one is
known: given per file (`--sha256 DATASET/FILE=HEX`) or published by the mirror
as `{mirror}/SHA256SUMS` in `sha256sum` format with paths `DATASET/FILE`. The
verified checksum and its source go into the snapshot's provenance.

The HTTP client comes from one place (`make_client`) and every official URL can
be redirected to a mirror, so tests serve files from a loopback server and
air-gapped sites from an internal one.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Callable
from urllib.parse import urlparse

import httpx

from .errors import InputError, InterdictError, UpdateError
from .lists import load_parsed
from .sources import get_source, registry
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
    unchanged: bool = False  # the content equals the active snapshot's: recorded as a confirmation, not stored again
    verified: dict[str, str] = field(default_factory=dict)  # role → where the checksum it matched came from

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


SHA256SUMS = "SHA256SUMS"
_HEX = re.compile(r"^[0-9a-fA-F]{64}$")


@dataclass(frozen=True)
class Checksums:
    """Expected sha256 per file, keyed "DATASET/FILE" (the mirror layout), and where each came from."""

    expected: dict[str, tuple[str, str]] = field(default_factory=dict)  # key → (hex, source)
    manifest: str | None = None  # URL of the mirror's SHA256SUMS when it publishes one: every file must be in it

    def lookup(self, key: str) -> tuple[str, str] | None:
        return self.expected.get(key)


def file_key(dataset: str, official: str) -> str:
    """How a file is named in --sha256 options and in a mirror's SHA256SUMS: DATASET/FILE, FILE as in the mirror layout."""
    return urlparse(mirror_url("", dataset, official)).path.lstrip("/")


def parse_sha256_options(values: list[str], datasets: list[str]) -> dict[str, tuple[str, str]]:
    """`DATASET/FILE=HEX` options → {key: (hex, source)}; a malformed one or one naming no file being updated is an InputError."""
    valid = {file_key(name, url) for name in datasets for url in get_source(name).files.values()}
    expected: dict[str, tuple[str, str]] = {}
    for value in values:
        key, sep, digest = value.partition("=")
        key, digest = key.strip().lstrip("./"), digest.strip().lower()
        if not sep or not _HEX.match(digest):
            raise InputError(f"--sha256 {value!r}: expected DATASET/FILE=HEX with 64 hex digits, e.g. {sorted(valid)[0]}=<sha256>.")
        if key not in valid:
            raise InputError(f"--sha256 {value!r}: {key!r} is not a file of the lists being updated; the files are: {', '.join(sorted(valid))}.")
        expected[key] = (digest, "--sha256 option")
    return expected


def parse_sha256sums(text: str, where: str) -> dict[str, str]:
    """A `sha256sum` output file: `HEX  PATH` (or `HEX *PATH`) per line; blank lines and # comments are skipped."""
    sums: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.split(None, 1)
        if len(parts) != 2 or not _HEX.match(parts[0]):
            raise UpdateError(f"{where} line {number} is not 'SHA256  DATASET/FILE' (the sha256sum format): {line[:80]!r}.")
        sums[parts[1].strip().lstrip("*").removeprefix("./")] = parts[0].lower()
    return sums


def mirror_checksums(client: httpx.Client, mirror: str) -> dict[str, str] | None:
    """The mirror's {mirror}/SHA256SUMS, or None when it publishes none (HTTP 404)."""
    url = f"{mirror.rstrip('/')}/{SHA256SUMS}"
    try:
        response = client.get(url)
    except httpx.HTTPError as exc:
        raise UpdateError(f"fetching the mirror's checksums {url} failed: {exc.__class__.__name__}: {exc}") from None
    if response.status_code == 404:
        return None
    if response.status_code != 200:
        raise UpdateError(f"the mirror's checksums {url} answered HTTP {response.status_code}.")
    if len(response.content) > 1_000_000:
        raise UpdateError(f"the mirror's checksums {url} is over 1 MB; that is not a SHA256SUMS file.")
    return parse_sha256sums(response.content.decode("utf-8", "replace"), url)


def verify(data: bytes, key: str, url: str, checksums: Checksums) -> str | None:
    """Check downloaded bytes against their expected sha256; returns where the checksum came from (None: unverified)."""
    expected = checksums.lookup(key)
    if expected is None:
        if checksums.manifest:
            raise UpdateError(f"{key} is not listed in the mirror's {checksums.manifest}; refusing a file the mirror does not vouch for.")
        return None
    digest, source = expected
    actual = hashlib.sha256(data).hexdigest()
    if actual != digest:
        raise UpdateError(
            f"{key}: {url} has sha256 {actual}, but {source} expects {digest}; refusing it before parsing. "
            "The mirror's copy is damaged or not the list: re-sync the mirror, or check the checksum."
        )
    return source


def update_dataset(
    store: SnapshotStore,
    dataset: str,
    client: httpx.Client,
    mirror: str | None = None,
    force: bool = False,
    progress: Progress | None = None,
    checksums: Checksums | None = None,
) -> UpdateResult:
    source = get_source(dataset)
    checksums = checksums or Checksums()
    previous = store.active_snapshot(dataset)
    previous_entries = previous.entries if previous else None
    try:
        files: dict[str, bytes] = {}
        origins: dict[str, tuple[str, str]] = {}
        verified: dict[str, str] = {}
        for role, official in source.files.items():
            url = mirror_url(mirror, dataset, official) if mirror else official
            if progress:
                progress(dataset, f"downloading {role} from {url}")
            files[role] = download(client, url, f"{dataset} ({role})")
            origins[role] = (urlparse(official).path.rsplit("/", 1)[-1] or role, url)
            checked = verify(files[role], file_key(dataset, official), url, checksums)
            if checked:
                verified[role] = checked
        if progress:
            progress(dataset, "parsing and validating")
        snapshot = load_parsed(store, dataset, source.parser, files, origins, force=force, checksums=verified)
        return UpdateResult(dataset, snapshot, previous_entries, unchanged=previous is not None and snapshot.id == previous.id, verified=verified)
    except InterdictError as exc:
        return UpdateResult(dataset, None, previous_entries, error=str(exc))


def update(
    store: SnapshotStore,
    datasets: list[str] | None = None,
    mirror: str | None = None,
    force: bool = False,
    client: httpx.Client | None = None,
    progress: Progress | None = None,
    sha256: list[str] | None = None,
) -> list[UpdateResult]:
    """Update the named datasets (all registered ones by default).

    Downloaded files are verified before parsing against `sha256` options
    ("DATASET/FILE=HEX") and, from a mirror, against the {mirror}/SHA256SUMS it
    publishes (a file the manifest does not list is refused).
    """
    names = datasets or list(registry())
    for name in names:
        get_source(name)  # unknown ids fail before any download
    options = parse_sha256_options(sha256 or [], names)
    own_client = client is None
    client = client or make_client()
    try:
        try:
            checksums = _checksums(client, mirror, options)
        except UpdateError as exc:
            return [UpdateResult(name, None, _entries(store, name), error=f"{name}: {exc}") for name in names]
        return [update_dataset(store, name, client, mirror=mirror, force=force, progress=progress, checksums=checksums) for name in names]
    finally:
        if own_client:
            client.close()


def _checksums(client: httpx.Client, mirror: str | None, options: dict[str, tuple[str, str]]) -> Checksums:
    if not mirror:
        return Checksums(dict(options))
    published = mirror_checksums(client, mirror)
    if published is None:
        return Checksums(dict(options))
    where = f"{mirror.rstrip('/')}/{SHA256SUMS}"
    return Checksums({key: (digest, where) for key, digest in published.items()} | options, manifest=where)


def _entries(store: SnapshotStore, dataset: str) -> int | None:
    snapshot = store.active_snapshot(dataset)
    return snapshot.entries if snapshot else None
