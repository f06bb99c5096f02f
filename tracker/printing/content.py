"""What goes on one label — SKU, GTIN, lot, expiry, serial or LPN — checked against GS1's rules.

A `LabelData` is built from the tracker's records (`Unit`, `Lot`, `PolicySnapshot`) and says what the
label identifies; the GS1 encodings of it are derived here, in one place, so every symbol and format
carries the same data:

* the element string, AIs in the order (01) GTIN, (17) expiry, (10) lot, (21) serial — fixed-length
  fields first, so only a lot followed by a serial needs an FNC1 separator;
* the human-readable interpretation, ``(01)09506000134352(17)251231(10)AB-12/3(21)SN1``;
* the GS1 Digital Link URI for a QR code, ``https://id.gs1.org/01/…/10/…/21/…?17=YYMMDD``.

The checks a GS1 barcode needs are made before anything is drawn (`gs1_fields`): the GTIN's length
and check digit, lot and serial at most 20 characters from the GS1 character set 82 (AIs 10 and 21),
and an expiry whose two-digit year a scanner reads back as the same century (GS1 General
Specifications §7.12: a year more than 49 years back or 50 ahead is read in the other century).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from urllib.parse import quote

from ..errors import BadIdentifierError
from ..labels import CSET82
from ..model import Lot, PolicySnapshot, Unit
from ..scan import gtin_check_digit

#: GS1 AI encodable character set 82 (GS1 General Specifications Figure 7.11-1).
AI_MAX = {"10": 20, "21": 20}
AI_NAME = {"10": "lot", "21": "serial"}
DIGITAL_LINK_HOST = "https://id.gs1.org"
_GTIN_RE = re.compile(r"^(\d{8}|\d{12}|\d{13}|\d{14})$")

#: What a label identifies.
SERIAL, LPN, LOT = "serial", "lpn", "lot"


@dataclass(frozen=True, slots=True)
class LabelData:
    """One label: a serialised unit, an LPN-labelled unit, or a lot (batch SKUs).

    `identifier` is the serial or LPN (None for a lot label); `gtin` is the SKU's GTIN as stored,
    any of GTIN-8/12/13/14 (checked when a GS1 symbol is asked for).
    """

    sku: str
    kind: str
    identifier: str | None = None
    gtin: str | None = None
    lot: str | None = None
    expiry: date | None = None

    @property
    def name(self) -> str:
        """How errors name this label: its serial or LPN, else SKU:LOT."""
        return self.identifier or f"{self.sku}:{self.lot}"

    @property
    def gs1_capable(self) -> bool:
        """True when GS1 symbols apply: a GTIN is known and the label is not an LPN.

        An LPN is the warehouse's own plate, not a serial the brand owner assigned under its GTIN,
        so it is printed as a plain Code 128, never as AI (21).
        """
        return bool(self.gtin) and self.kind != LPN

    @property
    def plain_text(self) -> str:
        """What a plain Code 128 carries: the serial or LPN, or SKU:LOT for a lot label.

        Each scans back into the tracker as typed: `track return SO-1 <this>`.
        """
        return self.identifier or f"{self.sku}:{self.lot}"


def label_for_unit(unit: Unit, lot: Lot | None, policy: PolicySnapshot | None) -> LabelData:
    """The label of one serial or LPN unit, with its lot's expiry and its SKU's GTIN."""
    return LabelData(
        sku=unit.sku,
        kind=LPN if unit.method == "lpn" else SERIAL,
        identifier=unit.id,
        gtin=(policy.gtin if policy else "") or None,
        lot=unit.lot,
        expiry=lot.expiry if lot else None,
    )


def label_for_lot(lot: Lot, policy: PolicySnapshot | None) -> LabelData:
    """The label of a lot: GTIN, lot and expiry, no serial."""
    return LabelData(
        sku=lot.sku,
        kind=LOT,
        gtin=(policy.gtin if policy else "") or None,
        lot=lot.lot,
        expiry=lot.expiry,
    )


def normalise_gtin(value: str, where: str = "") -> str:
    """The GTIN as 14 digits (left-padded), refused when its length or check digit is wrong."""
    text = value.strip()
    if not _GTIN_RE.match(text):
        raise BadIdentifierError(
            f"{where}GTIN {value!r} must be 8, 12, 13 or 14 digits",
            hint="set the SKU's GTIN with `trackright track policy set SKU --method … --gtin …`",
        )
    expected = gtin_check_digit(text[:-1])
    if int(text[-1]) != expected:
        raise BadIdentifierError(
            f"{where}GTIN {text} has a wrong check digit (expected {expected}, got {text[-1]})",
            hint="check the GTIN on the product's packaging or in the GS1 registry",
        )
    return text.zfill(14)


def check_ai_text(ai: str, value: str, where: str = "") -> str:
    """Refuse a lot (AI 10) or serial (AI 21) that a GS1 barcode cannot carry."""
    what = AI_NAME[ai]
    if not value or len(value) > AI_MAX[ai]:
        raise BadIdentifierError(
            f"{where}{what} {value!r} is {len(value)} characters; GS1 AI ({ai}) takes 1 to "
            f"{AI_MAX[ai]}",
            hint="print it as a plain Code 128 instead (--symbol code128)",
        )
    bad = sorted({c for c in value if c not in CSET82})
    if bad:
        raise BadIdentifierError(
            f"{where}{what} {value!r} has {', '.join(repr(c) for c in bad)}, outside the GS1 "
            f"character set of AI ({ai}) (letters, digits and !\"%&'()*+,-./:;<=>?_)",
            hint="print it as a plain Code 128 instead (--symbol code128)",
        )
    return value


def is_gs1_text(ai: str, value: str | None) -> bool:
    """True when a lot (AI 10) or serial (AI 21) can go into a GS1 barcode (or is absent)."""
    return value is None or (0 < len(value) <= AI_MAX[ai] and all(c in CSET82 for c in value))


def yymmdd(expiry: date, today: date, where: str = "") -> str:
    """AI (17) for a date, refused when a scanner would read its year in another century."""
    if not today.year - 49 <= expiry.year <= today.year + 50:
        raise BadIdentifierError(
            f"{where}expiry {expiry} cannot be written as a GS1 date (YYMMDD): scanners read "
            f"{expiry:%y} as a year within 49 years back and 50 ahead of {today.year}",
            hint="check the expiry date received for this lot",
        )
    return expiry.strftime("%y%m%d")


@dataclass(frozen=True, slots=True)
class Gs1Fields:
    """A label's GS1 data, checked: (AI, value) pairs in the order they are encoded."""

    fields: tuple[tuple[str, str], ...]

    @property
    def gtin(self) -> str:
        return dict(self.fields)["01"]

    def hri(self) -> str:
        """The human-readable interpretation, AIs in parentheses."""
        return "".join(f"({ai}){v}" for ai, v in self.fields)

    def bracketed(self) -> str:
        """The element string in square brackets, as encoders take it: ``[01]…[10]…``."""
        return "".join(f"[{ai}]{v}" for ai, v in self.fields)

    def element_string(self, separator: str = "\x1d") -> str:
        """The raw element string: variable-length fields ended by `separator` unless last."""
        out = []
        for i, (ai, value) in enumerate(self.fields):
            out.append(ai + value)
            if ai in AI_MAX and i < len(self.fields) - 1:
                out.append(separator)
        return "".join(out)

    def digital_link(self) -> str:
        """The GS1 Digital Link URI: GTIN, lot and serial in the path, expiry as a query."""
        values = dict(self.fields)
        uri = f"{DIGITAL_LINK_HOST}/01/{values['01']}"
        for ai in ("10", "21"):
            if ai in values:
                uri += f"/{ai}/{quote(values[ai], safe='')}"
        if "17" in values:
            uri += f"?17={values['17']}"
        return uri


@lru_cache(maxsize=256)  # each symbol and writer of a label asks again: check it once
def gs1_fields(label: LabelData, today: date) -> Gs1Fields:
    """The label's checked GS1 data; refused with the reason when it cannot be a GS1 barcode."""
    where = f"label {label.name}: "
    if not label.gs1_capable:
        why = "an LPN is printed as a plain Code 128" if label.kind == LPN else "no GTIN is known"
        raise BadIdentifierError(
            f"{where}GS1 barcodes need a GTIN-identified item; {why}",
            hint="set the SKU's GTIN (`track policy set … --gtin …`) or print --symbol code128",
        )
    assert label.gtin is not None
    fields = [("01", normalise_gtin(label.gtin, where))]
    if label.expiry is not None:
        fields.append(("17", yymmdd(label.expiry, today, where)))
    if label.lot:
        fields.append(("10", check_ai_text("10", label.lot, where)))
    if label.identifier:
        fields.append(("21", check_ai_text("21", label.identifier, where)))
    return Gs1Fields(tuple(fields))


def text_lines(label: LabelData) -> tuple[str, ...]:
    """The human-readable lines printed beside or below the symbols."""
    lines = [label.sku]
    if label.gtin:
        lines.append(f"GTIN {label.gtin.strip().zfill(14)}")
    if label.lot:
        lines.append(f"LOT {label.lot}")
    if label.expiry:
        lines.append(f"EXP {label.expiry.isoformat()}")
    if label.identifier:
        lines.append(label.identifier if label.kind == LPN else f"SN {label.identifier}")
    return tuple(lines)
