"""Errors a person can act on — the base every trackright error shares, and the tracker's own.

    TrackrightError                       base of every user-facing error (advisor and tracker)
    └── TrackerError                      base of the tracker's errors: message, hint, exit code
        ├── RefusedError (ValueError)         an operation was refused; nothing was written (exit 1)
        │   ├── NoPolicyError (LookupError)   the SKU has no decided tracking method yet
        │   ├── UnknownIdError (LookupError)  no unit, lot or order by that identifier
        │   ├── DuplicateIdError              a serial/LPN is already known, or scanned twice
        │   ├── BadIdentifierError            an identifier or barcode that cannot be used
        │   ├── NotAllowedError               the item's state does not allow the operation
        │   ├── NotEnoughStockError           not enough sellable stock for an order line
        │   └── AlreadyAppliedError           an import line already recorded (nothing to do)
        ├── InputError (ValueError)           a file or option value that cannot be used (exit 2)
        ├── VerdictUnavailableError           no returns rulebook to decide a return (exit 2)
        └── StoreError (OSError)              the store cannot be used (exit 2)
            ├── StoreBusyError (TimeoutError) another process kept the store locked too long
            │   └── ConcurrentChangeError     another desk created the same record meanwhile
            ├── StoreUnreachableError (ConnectionError)  the database server did not answer
            ├── StoreCorruptError             the store file or its journal is damaged
            └── ForeignStoreError             the file is not a trackright store

The base lives here, in the lower layer, so the advisor's errors (`advisor.errors`) and the
tracker's share one `show()`. `as_error` turns any exception a person may meet (an unusable
path, memory running out) into one, so every face shows every error the same way: the CLI with
`show()`, the app with the error's `message` and `hint`. A caller never prints a traceback::

    try:
        tracker.ship("SO-1001", lines=[("PHONE-X", 1)])
    except TrackrightError as err:
        err.show()                       # "Error: …" and the hint, on stderr
        raise SystemExit(err.exit_code)
"""

from __future__ import annotations

import sys
from typing import TextIO


class TrackrightError(Exception):
    """Base of every error meant for a person rather than a developer.

    It knows its exit code (2: unusable input, unless a subclass says otherwise), an optional
    hint saying what to do, and how to show itself — the one place errors are displayed.
    """

    exit_code = 2

    def __init__(self, message: str, *, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message}\n  hint: {self.hint}" if self.hint else self.message

    def show(self, file: TextIO | None = None) -> None:
        """Write `Error: <message>` (and the hint) to `file`, standard error by default."""
        print(f"Error: {self}", file=file if file is not None else sys.stderr)


class TrackerError(TrackrightError):
    """Base of every tracker error meant for a person rather than a developer."""


class RefusedError(TrackerError, ValueError):
    """The operation was checked and refused before anything was written."""

    exit_code = 1


class NoPolicyError(RefusedError, LookupError):
    """The SKU has no tracking decision in the store, so it cannot be received."""


class UnknownIdError(RefusedError, LookupError):
    """No unit, lot or order is known by the identifier given."""


class DuplicateIdError(RefusedError):
    """A serial or LPN is already in the store, or appears twice in one operation."""


class BadIdentifierError(RefusedError):
    """An identifier or scanned barcode is malformed (bad characters, bad check digit)."""


class NotAllowedError(RefusedError):
    """The unit or lot is in a state that does not allow this operation."""


class NotEnoughStockError(RefusedError):
    """There is not enough sellable stock to fill an order line."""


class AlreadyAppliedError(RefusedError):
    """The import line was applied before (its key is on the order's events): nothing to do.

    Raised inside the operation's own transaction, so two processes importing one file at once
    apply each line once: the second finds the first one's key and changes nothing.
    """


class InputError(TrackerError, ValueError):
    """An input file or option value that cannot be used as written."""


class VerdictUnavailableError(TrackerError):
    """Returns need the returns rulebook, and none could be loaded."""


class StoreError(TrackerError, OSError):
    """The store cannot be opened or written."""


class StoreBusyError(StoreError, TimeoutError):
    """Another process held the store lock for longer than we were willing to wait."""


class ConcurrentChangeError(StoreBusyError):
    """Another desk created the same unit (lot, order, suspect) during this operation.

    Nothing was recorded; run the operation again and it sees what the other desk recorded."""


class StoreUnreachableError(StoreError, ConnectionError):
    """The PostgreSQL server did not answer or went away: this operation recorded nothing."""


class StoreCorruptError(StoreError):
    """The store file or its journal is damaged; it is left untouched for a person to restore."""


class ForeignStoreError(StoreError):
    """The file exists but was not written by trackright (or by a newer trackright)."""


class UnexpectedError(TrackrightError):
    """An exception nobody meant a person to see (a bug), as the app shows it instead of crashing."""


def as_error(exc: BaseException) -> TrackrightError:
    """Any exception as the error a person reads: its one message, its hint and its exit code.

    A TrackrightError is itself; running out of memory and an operating-system error on a path
    the user gave become one (exit 2); anything else is an `UnexpectedError` naming it.
    """
    if isinstance(exc, TrackrightError):
        return exc
    if isinstance(exc, MemoryError):
        return TrackrightError(
            "out of memory: the operation is too large for this machine; split it"
        )
    if isinstance(exc, OSError):
        where = f"{exc.filename}: " if getattr(exc, "filename", None) else ""
        return TrackrightError(f"{where}{exc.strerror or exc}")
    return UnexpectedError(
        f"unexpected error: {exc!r}", hint="this is a bug in trackright; please report it"
    )
