"""Scanner input: tell a GS1 barcode from a plain serial/LPN and take out what the barcode carries.

A scanner sends either a plain identifier (``SN-0001``, ``LPN0000000000017``) or a GS1 element string:
``(01)GTIN(21)serial(10)lot(17)YYMMDD`` as people write it, the same without parentheses with ASCII GS
(0x1D) ending variable-length fields, optionally behind a ``]d2``/``]C1``/``]Q3`` symbology prefix, or a
GS1 Digital Link URI. Parsing and GTIN check-digit validation are done by biip.
"""

from __future__ import annotations

import re
from datetime import date
from typing import NamedTuple

from .errors import BadIdentifierError
from .labels import check_identifier

_GS1_START = re.compile(r"^(\(\d{2,4}\)|\]\w\d|https?://|01\d{14}|00\d{18})")


class Scan(NamedTuple):
    """What one scan or typed identifier carries."""

    raw: str
    gs1: bool = False
    gtin: str | None = None
    serial: str | None = None
    lot: str | None = None
    expiry: date | None = None
    mfg: date | None = None

    @property
    def identifier(self) -> str | None:
        """The instance identifier (serial or LPN) to look up, if the scan carries one."""
        return self.serial if self.gs1 else self.raw


def gtin_check_digit(body: str) -> int:
    """The check digit a GTIN whose other digits are `body` must end with (biip's GS1 mod-10)."""
    from biip.checksums import gs1_standard_check_digit

    return gs1_standard_check_digit(body)


def looks_like_gs1(text: str) -> bool:
    """True for input that should be parsed as a GS1 barcode rather than taken as an identifier."""
    return "\x1d" in text or _GS1_START.match(text) is not None


def parse_scan(text: str) -> Scan:
    """Parse one scan; refuse malformed GS1 strings and GTINs with a wrong check digit."""
    text = text.strip("\r\n")
    if not looks_like_gs1(text):
        return Scan(raw=check_identifier(text))
    from biip import ParseError
    from biip.gs1_messages import GS1Message

    try:
        if text.startswith("("):
            message = GS1Message.parse_hri(text)
        elif text.startswith("http"):
            import biip

            result = biip.parse(text)
            if result.gs1_digital_link_uri is None:
                raise ParseError(result.gs1_digital_link_uri_error or "not a GS1 Digital Link")
            message = result.gs1_digital_link_uri.as_gs1_message()
        else:
            if text.startswith("]"):
                text = text[3:]
            message = GS1Message.parse(text)
    except ParseError as err:
        raise BadIdentifierError(
            f"barcode {text!r} is not a readable GS1 element string: {err}",
            hint="rescan, or type the serial / LPN on its own",
        ) from None
    gtin = serial = lot = None
    expiry = mfg = None
    for es in message.element_strings:
        ai = es.ai.ai
        if ai == "01":
            if es.gtin is None:
                raise BadIdentifierError(
                    f"barcode {text!r}: GTIN {es.value} is invalid ({es.gtin_error})",
                    hint="the GTIN check digit does not match: rescan or check the label",
                )
            gtin = es.gtin.value
        elif ai == "21":
            serial = check_identifier(es.value, "serial")
        elif ai == "10":
            lot = check_identifier(es.value, "lot")
        elif ai == "17":
            expiry = es.date
        elif ai == "11":
            mfg = es.date
    return Scan(raw=text, gs1=True, gtin=gtin, serial=serial, lot=lot, expiry=expiry, mfg=mfg)
