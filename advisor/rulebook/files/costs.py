"""What costs.yaml may hold: each method's costs, the benefit assumptions, lots, sales and returns."""

from __future__ import annotations

from advisor.rulebook.currencies import CODE
from advisor.rulebook.shapes import Enum, Field, MapOf, Num, Obj, Str
from tracker.vocabulary import METHODS

COSTS_SHAPE = Obj(
    {
        "currency": Field(CODE, True),
        "methods": Field(
            Obj(
                {
                    m: Field(
                        Obj(
                            {
                                "per_unit": Field(
                                    Num(minimum=0), True, "label + scan cost per unit received"
                                ),
                                "per_lot": Field(
                                    Num(minimum=0), False, "data capture per lot line received"
                                ),
                                "fixed_monthly": Field(
                                    Num(minimum=0),
                                    False,
                                    "printers, scanners, software, per month",
                                ),
                                "note": Field(Str()),
                            }
                        ),
                        True,
                    )
                    for m in METHODS
                }
            ),
            True,
        ),
        "assumptions": Field(
            Obj(
                {
                    "bad_return_share": Field(
                        Num(minimum=0, maximum=1),
                        True,
                        "f_bad: share of returns that are fakes or swapped units",
                    ),
                    "loss_per_bad_return": Field(
                        Num(minimum=0, maximum=1),
                        True,
                        "L: share of unit value lost per undetected bad return",
                    ),
                    "repeat_return_share": Field(
                        Num(minimum=0, maximum=1),
                        True,
                        "f_rep: share of returns that are the same unit again",
                    ),
                    "return_loop_cost": Field(
                        Num(minimum=0), True, "C_loop: cost of one avoidable ship + return loop"
                    ),
                    "lpn_catch_share": Field(
                        Num(minimum=0, maximum=1),
                        True,
                        "share of bad returns an LPN catches (swaps, not fakes)",
                    ),
                    "mismatch_share": Field(
                        Num(minimum=0, maximum=1),
                        False,
                        "units a month mixed up per channel or warehouse beyond the first",
                    ),
                    "mismatch_cost": Field(
                        Num(minimum=0), False, "cost of putting one mixed-up unit right"
                    ),
                }
            ),
            True,
        ),
        "lots": Field(
            Obj(
                {
                    "cover_months": Field(
                        Num(minimum=0.1), False, "months of a SKU's sales one lot holds"
                    ),
                    "min_units": Field(
                        Num(minimum=1), False, "fewest units in a lot (a carton, an MOQ)"
                    ),
                    "default_size": Field(
                        Num(minimum=1), False, "most units in a lot, unless `sizes` says"
                    ),
                    "sizes": Field(
                        MapOf(Num(minimum=1), key=Enum(source="verticals")),
                        False,
                        "units in one lot of a fast seller, per vertical",
                    ),
                }
            ),
            False,
            "how stock is received: lot lines a month come from each SKU's volume",
        ),
        "sales": Field(
            Obj(
                {
                    "long_tail": Field(
                        Num(minimum=0, maximum=3),
                        False,
                        "Zipf exponent of sales over SKUs (0: every SKU sells alike)",
                    ),
                }
            ),
            False,
            "how a month's units spread over SKUs when the catalog gives no sales",
        ),
        "observed": Field(
            Obj(
                {
                    "min_shipped": Field(
                        Num(minimum=1, integer=True),
                        False,
                        "units a SKU must have shipped before `track advise` uses its figures",
                    ),
                }
            ),
            False,
            "what `trackright track advise` needs before it trusts the tracker's figures",
        ),
        "return_rates": Field(
            MapOf(Num(minimum=0, maximum=1), key=Enum(source="verticals")),
            True,
            "assumed return rate per vertical when the brand profile gives none",
        ),
        "default_return_rate": Field(Num(minimum=0, maximum=1), True),
    }
)

__all__ = ["COSTS_SHAPE"]
