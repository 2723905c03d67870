"""One exception tree; every error says what was wrong and what to do.

    InterdictError
    ├── SourceError            a list file could not be read or parsed
    │   ├── UnsafeXMLError     the XML declares entities or a DTD (XXE, entity bombs)
    │   └── FormatError        the bytes are not the format we expected (HTML error page, truncation)
    ├── UpdateError            a download or snapshot swap was refused; the last good snapshot stays
    ├── StoreError             the snapshot store is missing, corrupt or locked
    ├── UnknownDatasetError    a dataset id that is not in the registry
    ├── InputError             a user file (CSV, XLSX, JSONL, document) is unreadable or malformed
    ├── NotFoundError          an entity id that no loaded list holds
    ├── ConflictError          someone else changed the alert or decision first (reload and retry)
    └── ForbiddenError         the user's role does not allow it, or four-eyes forbids it

Front-ends (CLI, HTTP) catch InterdictError and print its message: no tracebacks.
"""

from __future__ import annotations


class InterdictError(Exception):
    """Base class: the message is written for the person at the keyboard."""

    exit_code = 1


class SourceError(InterdictError):
    exit_code = 3


class UnsafeXMLError(SourceError):
    pass


class FormatError(SourceError):
    pass


class UpdateError(InterdictError):
    exit_code = 4


class StoreError(InterdictError):
    exit_code = 5


class UnknownDatasetError(InterdictError):
    exit_code = 2


class InputError(InterdictError):
    exit_code = 2


class NotFoundError(InterdictError):
    exit_code = 6


class ConflictError(InterdictError):
    exit_code = 7


class ForbiddenError(InterdictError):
    exit_code = 8
