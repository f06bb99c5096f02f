"""`trackright rules schema` and `rules init`: JSON Schemas for editors, and a copy of the rules that uses them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from advisor.cli.options import (
    RULES_OPTION,
)
from advisor.cli.rules.group import rules
from advisor.errors import TrackrightError


@rules.command("schema")
@click.argument("name", required=False)
@RULES_OPTION
@click.option(
    "--write",
    "write_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write <name>.schema.json files into this folder (a rules folder keeps them in its schemas/).",
)
@click.option(
    "--check",
    "check_dir",
    type=click.Path(file_okay=False, path_type=Path),
    help="Exit 1 if the schemas in this folder differ from freshly generated ones.",
)
def schema_cmd(
    name: str | None, rules_dir: Path | None, write_dir: Path | None, check_dir: Path | None
) -> None:
    """JSON Schema of the rules files, for editor autocompletion, generated from the validator.

    NAME is one of classification, regulations, policy, costs, returns, currencies, evidence,
    taxonomies, ruletests (files in rules/tests/), onboarding; without NAME every schema is
    printed as one JSON object. Enums (verticals, value bands) and the facts a `when:` block
    may test come from the rulebook.
    Each rules file points at its schema with a first-line comment editors read:

      # yaml-language-server: $schema=schemas/policy.schema.json

    \b
    Examples:
      trackright rules schema policy
      trackright rules schema --rules my-rules --write my-rules/schemas   # after adding a vertical
      trackright rules schema --check rules/schemas     # in CI: fail when they are stale
    """
    from advisor.authoring.schemas import json_schemas, schema_text
    from advisor.rulebook.load import load_rulebook

    book = load_rulebook(rules_dir)
    schemas = json_schemas(book)
    if name is not None:
        key = name.removesuffix(".yaml").removesuffix(".schema.json")
        if key not in schemas:
            raise TrackrightError(f"no schema named {name!r}; known: {', '.join(schemas)}")
        schemas = {key: schemas[key]}
    if check_dir is not None:
        stale = [
            k
            for k, s in schemas.items()
            if not (check_dir / f"{k}.schema.json").is_file()
            or (check_dir / f"{k}.schema.json").read_text(encoding="utf-8") != schema_text(s)
        ]
        for k in stale:
            click.echo(f"{check_dir / f'{k}.schema.json'}: out of date", err=True)
        if stale:
            click.echo(f"run: trackright rules schema --write {check_dir}", err=True)
            sys.exit(1)
        click.echo(f"OK {len(schemas)} schemas in {check_dir} are up to date")
        return
    if write_dir is not None:
        write_dir.mkdir(parents=True, exist_ok=True)
        for k, s in schemas.items():
            (write_dir / f"{k}.schema.json").write_text(schema_text(s), encoding="utf-8")
            click.echo(f"wrote {write_dir / f'{k}.schema.json'}")
        return
    if name is not None:
        click.echo(schema_text(next(iter(schemas.values()))), nl=False)
    else:
        click.echo(schema_text(schemas), nl=False)


@rules.command("init")
@click.argument("target", type=click.Path(file_okay=False, path_type=Path))
@RULES_OPTION
def init_cmd(target: Path, rules_dir: Path | None) -> None:
    """Copy the rules into TARGET to edit them, with their JSON Schemas beside them.

    Every file's first line points at its schema in TARGET/schemas, so an editor with
    yaml-language-server (VS Code's YAML extension, Neovim, Helix, Zed…) completes and checks
    the copy as you type. Copies the bundled rules, or --rules / $TRACKRIGHT_RULES. After
    adding a vertical or a regulation, refresh the schemas (`rules check` reminds you):

    \b
      trackright rules schema --rules TARGET --write TARGET/schemas

    \b
    Examples:
      trackright rules init my-rules
      trackright rules check my-rules && trackright rules test my-rules
      export TRACKRIGHT_RULES=$PWD/my-rules      # use the copy everywhere
    """
    from advisor.authoring.schemas import init_rules
    from advisor.rulebook.load import resolve_rules_dir

    source = resolve_rules_dir(rules_dir)
    try:
        made = init_rules(source, target)
    except FileExistsError:
        raise TrackrightError(
            f"{target} already holds files; give a new or empty folder",
            hint="to refresh the schemas of an existing copy: "
            f"trackright rules schema --rules {target} --write {target / 'schemas'}",
        ) from None
    n_yaml = sum(1 for p in made if p.suffix == ".yaml")
    n_schema = sum(1 for p in made if p.suffix == ".json")
    click.echo(
        f"copied {n_yaml} rules files from {source} to {target}, with {n_schema} schemas in {target / 'schemas'}"
    )
    click.echo(f"check your edits with: trackright rules check {target}")
