"""What a tracking policy costs a month, what it earns back, and where each method starts to pay.

The model is `shared/research/inventory-tracking.md` §7(d), every input rule data (`costs.yaml`)
or the brand's own (the profile), each figure carrying where its inputs came from:

- **Units.** The month's units (orders × units per order) spread over the stock SKUs on a long
  tail: the k-th best seller sells 1/k^s of the best (`sales.long_tail`, Zipf; 0 = evenly).
  Which SKU sells best is not known, so every group of SKUs gets its share of the ranks.
- **Labels** are bought per unit received (serial, LPN); **lot lines** per lot received. A lot
  holds `lots.cover_months` of one SKU's sales, at least `lots.min_units` and at most its
  vertical's lot size, so a SKU selling 3 units a month is received a few times a year, never
  more lot lines than units, and a fast seller in full lots.
- **Benefits** a method can earn: fakes and swapped units caught at the returns desk (serial
  all, LPN `lpn_catch_share`, batch none), repeat-return loops broken (serial, LPN) and
  mix-ups between channels and warehouses avoided (serial, LPN). Narrowing a recall to a lot is
  earned by all three alike, so it does not change the comparison and is left out.
- **The brand's evidence** replaces assumptions: `return_rate`, `bad_return_share` (else
  `counterfeit_incidents` ÷ the month's expected returns), `channels` and `warehouses`.

`price(tally, assumptions)` is the one function behind every figure: `trackright evaluate`
(table and `--summary` JSON), the app's recommendation, `rules diff`'s cost change and
`trackright track advise`. A `CostReport` keeps its tally and assumptions, so `reprice` gives a
what-if without reading the catalog again.

`inputs` holds the tally's groups and the assumptions, `tally` collects decided SKUs, `sales`
spreads units over SKUs and lots, `plans` prices one method for a set of SKUs (and where it
pays), `report` holds the priced month, and `pricing` puts them together.

    >>> from advisor.rulebook import load_rulebook
    >>> costs = load_rulebook().costs
    >>> acc = CostAccumulator(costs)
    >>> acc.add_many("mobile_phones", 10, 10 * 20000.0, 10 * 0.05, "serial")
    >>> report = price(acc.tally(), assumptions(costs, monthly_units=5000))
    >>> round(report.serialise_all)
    10000
"""

from __future__ import annotations

from advisor.advice.costs.inputs import MODEL_KEYS, Assumptions, GroupTally, assumptions
from advisor.advice.costs.plans import BreakEven, PlanCost, one_in
from advisor.advice.costs.pricing import price, reprice
from advisor.advice.costs.report import NO_VOLUME, PLANS, CostReport, GroupCost, VerticalCost
from advisor.advice.costs.sales import lot_lines, units_by_rank
from advisor.advice.costs.tally import CostAccumulator

__all__ = [
    "Assumptions",
    "BreakEven",
    "CostAccumulator",
    "CostReport",
    "GroupCost",
    "GroupTally",
    "MODEL_KEYS",
    "NO_VOLUME",
    "PLANS",
    "PlanCost",
    "VerticalCost",
    "assumptions",
    "lot_lines",
    "one_in",
    "price",
    "reprice",
    "units_by_rank",
]
