"""`trackright decide`: classify and decide one SKU given on the command line."""

from __future__ import annotations

import json

import click

from advisor.cli.options import (
    AS_OF_OPTION,
    RULES_OPTION,
    profile_option,
    sku_from_options,
)
from advisor.errors import TrackrightError


@click.command("decide", context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--sku", help="SKU code (only echoed back).")
@click.option("--title", help="Product title.")
@click.option("--category", help="Category path, e.g. 'Electronics > Mobile Phones'.")
@click.option("--product-category", help="Shopify / Google product category path.")
@click.option("--type", "product_type", help="Shopify product type.")
@click.option("--tags", help="Comma-separated tags.")
@click.option("--brand", help="Brand or vendor.")
@click.option("--price", help="Unit price, e.g. 1299, '₹1,299.00' or 'Rs. 399'.")
@click.option("--currency", help="Price currency (default: the profile's, else the base currency).")
@click.option("--hsn", help="HSN code.")
@click.option("--gtin", help="GTIN / EAN barcode.")
@click.option("--customised/--not-customised", default=None, help="Made to order / personalised.")
@click.option("--warranty-months", type=click.IntRange(min=0), help="Warranty length in months.")
@click.option(
    "--json", "json_text", metavar="JSON|@FILE", help="The SKU's fields as a JSON object."
)
@profile_option("Brand profile YAML.")
@RULES_OPTION
@AS_OF_OPTION
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
def decide(json_text, profile_path, rules_dir, as_of, fmt, **opts) -> None:
    """Classify one SKU and show its facts, its decision and every rule that matched.

    \b
    Examples:
      trackright decide --title "Galaxy S24" --category "Electronics > Mobile Phones" --price 79999
      trackright decide --json '{"title": "Whey protein 1kg", "hsn": "21069099", "price": 2499}'
    """
    from advisor.advice.classify import Classifier, UnknownCurrencyError
    from advisor.advice.money import resolve_currency
    from advisor.advice.profile import BrandProfile, load_profile
    from advisor.engine.decide import PolicyEngine
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(rules_dir)
    profile = load_profile(profile_path) if profile_path else BrandProfile()
    rec = sku_from_options(opts, json_text)
    if not rec.currency:
        choice = resolve_currency(book.currencies, None, profile.currency, str(profile_path or ""))
        rec = rec._replace(currency=choice.code)
    classifier = Classifier(book, profile, as_of)
    try:
        facts = classifier.classify(rec)
    except UnknownCurrencyError as exc:
        raise TrackrightError(str(exc)) from None
    engine = PolicyEngine(book.policy, book.version)
    try:
        decision = engine.decide(classifier.facts(facts), cached=False)
    finally:
        engine.close()
    if fmt == "json":
        out = {
            "sku": rec.sku,
            "title": rec.title,
            "vertical": facts.vertical,
            "vertical_source": facts.vertical_source,
            "confidence": facts.confidence,
            "value_band": facts.value_band,
            "typical": facts.typical,
            "unit_value": facts.unit_value,
            "currency": book.classification.base_currency,
            "regulated": facts.regulated,
            "regulations": list(facts.regulations),
            "customised": facts.customised,
            "warranty": facts.warranty,
            "method": decision.method,
            "capture": list(decision.capture),
            "return_qc": decision.return_qc,
            "rule": decision.rule,
            "reason": decision.reason,
            "fallback": decision.fallback,
            "raised_by": list(decision.raised_by),
            "matched": [
                {
                    "rule": m.rule,
                    "kind": m.kind,
                    "priority": m.priority,
                    "outcome": dict(m.outcome),
                    "file": m.file,
                    "line": m.line,
                }
                for m in decision.matched
            ],
            "rulebook_version": book.version,
        }
        click.echo(json.dumps(out, indent=2, ensure_ascii=False))
        return
    from rich.table import Table

    from advisor.render.report import console, decision_panel, matches_table

    con = console()
    facts_table = Table.grid(padding=(0, 2))
    facts_table.add_column(style="bold")
    facts_table.add_column()
    value = (
        "—"
        if facts.unit_value is None
        else f"{book.classification.base_currency} {facts.unit_value:,.2f}"
    )
    for k, v in (
        ("Vertical", f"{facts.vertical}  ({facts.vertical_source})"),
        ("Confidence", facts.confidence),
        (
            "Value band",
            facts.value_band
            + (
                "  (no price: decided as a typical item of the vertical; give --price for an "
                "exact decision)"
                if facts.typical
                else ""
            ),
        ),
        ("Unit value", value),
        ("Regulations", ", ".join(facts.regulations) or "none"),
        ("Customised", "yes" if facts.customised else "no"),
        ("Warranty", "yes" if facts.warranty else "no"),
        ("GTIN", "yes" if facts.has_gtin else "no"),
    ):
        facts_table.add_row(k, v)
    from rich.panel import Panel

    con.print(Panel(facts_table, title=f"Facts — {rec.title or rec.sku}", border_style="blue"))
    con.print(decision_panel(decision))
    if decision.matched:
        con.print(matches_table(decision))
    con.print(f"[dim]rulebook {book.label} at {book.root}[/dim]")
