"""Errors a warehouse manager can act on, raised by the tracker and shown without a traceback.

    TrackerError                          base: message, hint, exit code
    ├── RefusedError (ValueError)         an operation was refused; nothing was written (exit 1)
    │   ├── NoPolicyError (LookupError)   the SKU has no decided tracking method yet
    │   ├── UnknownIdError (LookupError)  no unit, lot or order by that identifier
    │   ├── DuplicateIdError              a serial/LPN is already known, or scanned twice
    │   ├── BadIdentifierError            an identifier or barcode that cannot be used
    │   ├── NotAllowedError               the item's state does not allow the operation
    │   └── NotEnoughStockError           not enough sellable stock for an order line
    ├── InputError (ValueError)           a file or option value that cannot be used (exit 2)
    ├── VerdictUnavailableError           no returns rulebook to decide a return (exit 2)
    └── StoreError (OSError)              the store cannot be used (exit 2)
        ├── StoreBusyError (TimeoutError) another process kept the store locked too long
        ├── StoreCorruptError             the store file or its journal is damaged
        └── ForeignStoreError             the file is not a trackright store

A caller shows them like this and never prints a traceback::

    try:
        tracker.ship("SO-1001", lines=[("PHONE-X", 1)])
    except TrackerError as err:
        print(err, file=sys.stderr)
        raise SystemExit(err.exit_code)
"""

from __future__ import annotations

from advisor.errors import TrackrightError


class TrackerError(TrackrightError):
    """Base of every tracker error meant for a person rather than a developer.

    A `TrackrightError` like every user-facing error of the project, so one `except` shows any.
    """


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


class InputError(TrackerError, ValueError):
    """An input file or option value that cannot be used as written."""


class VerdictUnavailableError(TrackerError):
    """Returns need the returns rulebook, and none could be loaded."""


class StoreError(TrackerError, OSError):
    """The store cannot be opened or written."""


class StoreBusyError(StoreError, TimeoutError):
    """Another process held the store lock for longer than we were willing to wait."""


class StoreCorruptError(StoreError):
    """The store file or its journal is damaged; it is left untouched for a person to restore."""


class ForeignStoreError(StoreError):
    """The file exists but was not written by trackright (or by a newer trackright)."""
