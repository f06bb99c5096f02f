"""trackright's advisor: decide, SKU by SKU, whether to track stock by serial, batch/lot or LPN.

    >>> from advisor.rulebook import load_rulebook
    >>> from advisor.advice.run import Collect, evaluate_file
    >>> rows = Collect()
    >>> run = evaluate_file("sample_catalogs/electronics_brand.csv", load_rulebook(), outputs=[rows])
    >>> [(r.record.sku, r.decision.method) for r in rows.items][:1]   # doctest: +SKIP
    [('VLT-PH-A15-128', 'serial')]

Sub-packages, each with one job: `rulebook` (the YAML rules, validated), `engine` (durable-rules
and the hit policies), `catalog` (reading catalog files), `advice` (classification, evaluation,
costs, the brand profile, onboarding), `authoring` (the rule author's toolkit), `render` (rich
renderings), `cli` (the `trackright` command) and `app` (the Textual app).
"""
