"""Identifiers the tracker mints: LPN labels and generated serials, with the GS1 check digit.

LPN format: ``LPN`` followed by a 12-digit zero-padded sequence and one GS1 mod-10 check digit
(GS1 General Specifications §7.9.1), e.g. ``LPN0000000000017`` for sequence 1. The check digit lets
the returns desk reject a mistyped or misread label before anything is looked up.

Generated serials are ``<SKU>-<7-digit sequence>``; the sequence is store-wide, so a serial is never
minted twice even for different SKUs. They are cut to what GS1 AI (21) carries (20 characters of
its character set): a long SKU keeps its first characters, so the label can still be a GS1-128 or
DataMatrix once the SKU has a GTIN, and the printed serial still says which product it is.
"""

from __future__ import annotations

import re

from .errors import BadIdentifierError

LPN_PREFIX = "LPN"
_LPN_RE = re.compile(r"^LPN(\d{12})(\d)$")
_ID_RE = re.compile(r"^[\x21-\x7e]{1,64}$")
_LPN_ANY_CASE = re.compile(r"^lpn\d{13}$", re.IGNORECASE)
#: The characters GS1 allows in a lot (AI 10) or serial (AI 21): GS1 General Specifications,
#: figure 7.11-1, "GS1 AI encodable character set 82".
CSET82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)
#: The longest serial GS1 AI (21) carries.
SERIAL_MAX = 20


def gs1_check_digit(payload: str) -> int:
    """The GS1 mod-10 check digit for a digit string (weights 3,1,3,1… from the right).

    Used for the LPN labels the tracker mints and checks on every LPN scan. It is the one check
    digit computed here rather than by biip (`biip.checksums.gs1_standard_check_digit`, which
    checks GTINs in `tracker.scan`): importing biip costs about 0.2 s, more than a whole scan may
    take. A test checks that both agree.
    """
    if not payload.isdigit():
        raise ValueError(f"check digits are computed over digits only, got {payload!r}")
    total = sum(int(d) * (3 if i % 2 == 0 else 1) for i, d in enumerate(reversed(payload)))
    return (10 - total % 10) % 10


def make_lpn(sequence: int) -> str:
    """The LPN label for a store sequence number."""
    body = f"{sequence:012d}"
    return f"{LPN_PREFIX}{body}{gs1_check_digit(body)}"


def check_lpn(identifier: str) -> None:
    """Refuse an LPN-shaped identifier whose check digit is wrong (a misread or mistyped label)."""
    m = _LPN_RE.match(identifier)
    if m and gs1_check_digit(m.group(1)) != int(m.group(2)):
        raise BadIdentifierError(
            f"LPN label {identifier} has a wrong check digit "
            f"(expected {gs1_check_digit(m.group(1))}, got {m.group(2)})",
            hint="rescan the label or type it again",
        )


def make_serial(sku: str, sequence: int) -> str:
    """A generated serial for a SKU, short enough and plain enough for GS1 AI (21).

    The store-wide sequence alone makes it unique; the SKU in front is for the people reading
    the label, so it is cut and its characters outside GS1's set become ``-``.
    """
    digits = f"{sequence:07d}"
    room = max(0, SERIAL_MAX - len(digits) - 1)
    prefix = "".join(c if c in CSET82 else "-" for c in sku[:room]).strip("-") or "SN"
    return f"{prefix}-{digits}"


def check_identifier(identifier: str, what: str = "identifier") -> str:
    """Refuse identifiers that are empty, too long, or carry spaces or control characters.

    An LPN label typed in lower case (``lpn0000000000017``) is the same label: it comes back
    upper-cased, so it is never mistaken for an unknown identifier.
    """
    if not isinstance(identifier, str):
        raise BadIdentifierError(f"{what} must be text, got {type(identifier).__name__}")
    if _LPN_ANY_CASE.match(identifier):
        identifier = identifier.upper()
    if not _ID_RE.match(identifier):
        shown = identifier if len(identifier) <= 70 else identifier[:67] + "..."
        raise BadIdentifierError(
            f"{what} {shown!r} cannot be used: expected 1 to 64 printable characters without spaces",
        )
    check_lpn(identifier)
    return identifier
