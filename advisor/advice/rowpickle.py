"""Decided rows pickled between processes as plain tuples, each shared decision sent once.

Why plain tuples: a `persistent_id` hook or a NamedTuple's `__reduce__` calls back into Python
for every object pickled (27 calls a row), a fifth of the time of deciding a catalog in another
process; a list of tuples of strings and numbers pickles and unpickles in C. A decided row travels
as (its record's fields, its value, its shared decision's number, its evidence text); a rejected
row, rare, as itself. The shared decisions (`Shared`: a big catalog has a few hundred) are sent
once each, the first time a row needs one, and named by number after that.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable

from advisor.advice.evaluate import EvaluatedRow, Shared
from advisor.catalog.records import SkuRecord


class RowEncoder:
    """One sending end's numbering of shared decisions, kept across its chunks."""

    def __init__(self) -> None:
        self._numbers: dict[int, int] = {}
        self._shared: list[Shared] = []  # kept alive, so the ids above stay theirs

    def encode(self, rows: Iterable) -> tuple[list[Shared], bytes]:
        """(the shared decisions first needed by these rows, the rows pickled)."""
        numbers, shared_list = self._numbers, self._shared
        new: list[Shared] = []
        plain = []
        for item in rows:
            if item.__class__ is EvaluatedRow:
                shared = item.shared
                number = numbers.get(id(shared))
                if number is None:
                    number = numbers[id(shared)] = len(shared_list)
                    shared_list.append(shared)
                    new.append(shared)
                plain.append((tuple(item.record), item.unit_value, number, item.source))
            else:
                plain.append(item)  # a rejected row, pickled as it is
        return new, pickle.dumps(plain, protocol=pickle.HIGHEST_PROTOCOL)


def decode(data: bytes, shared: list[Shared]) -> list:
    """A chunk's rows as they were sent: `shared` holds every shared decision sent so far."""
    new, row_cls, record_cls = tuple.__new__, EvaluatedRow, SkuRecord
    return [
        new(row_cls, (new(record_cls, t[0]), t[1], shared[t[2]], t[3]))
        if t.__class__ is tuple
        else t
        for t in pickle.loads(data)
    ]


__all__ = ["RowEncoder", "decode"]
