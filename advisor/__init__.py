"""trackright's advisor: decide, SKU by SKU, whether to track stock by serial, batch/lot or LPN.

    >>> from advisor.rulebook import load_rulebook
    >>> from advisor.advice.evaluate import Evaluator
    >>> from advisor.catalog import open_catalog
    >>> ev = Evaluator(load_rulebook())
    >>> with open_catalog("sample_catalogs/electronics_brand.csv") as rows:   # doctest: +SKIP
    ...     for row in ev.run(rows):
    ...         print(row.record.sku, row.decision.method)

Sub-packages, each with one job: `rulebook` (the YAML rules, validated), `engine` (durable-rules
and the hit policies), `catalog` (reading catalog files), `advice` (classification, evaluation,
costs, the brand profile, onboarding), `authoring` (the rule author's toolkit), `render` (rich
renderings), `cli` (the `trackright` command) and `app` (the Textual app).
"""
