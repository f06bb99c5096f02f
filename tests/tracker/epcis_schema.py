"""The official GS1 EPCIS 2.0 JSON schema as a test validator: formats checked, nothing fetched.

The schema (tests/data/epcis/EPCIS-JSON-Schema.json, GS1's file unchanged — see the README
beside it) says much of what it means through ``format``: every identifier is a ``uri``, every
time a ``date-time``, and extension fields are allowed only because their names are URIs.
A validator ignores ``format`` unless given a format checker, and jsonschema's checker checks
``uri`` and ``date-time`` only when ``rfc3986-validator`` and ``rfc3339-validator`` are
installed, so `validator` refuses to run without them rather than pass everything. The schema's
references are all inside the file (``#/definitions/…``); the registry holds that one resource
and refuses to retrieve any other, so a reference could never quietly reach the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import jsonschema
from referencing import Registry, Resource
from referencing.exceptions import NoSuchResource

SCHEMA_PATH = Path(__file__).parents[1] / "data" / "epcis" / "EPCIS-JSON-Schema.json"
#: The formats the schema uses; each must really be checked.
FORMATS = ("uri", "date-time")


def schema() -> dict:
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def _no_network(uri: str) -> Resource:
    raise NoSuchResource(ref=uri)


def references(node: object) -> Iterator[str]:
    """Every ``$ref`` in the schema, wherever it sits."""
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "$ref" and isinstance(value, str):
                yield value
            else:
                yield from references(value)
    elif isinstance(node, list):
        for item in node:
            yield from references(item)


@cache
def validator() -> jsonschema.Draft7Validator:
    """A draft-07 validator over the official schema that checks `FORMATS` and stays offline."""
    checker = jsonschema.Draft7Validator.FORMAT_CHECKER
    missing = [f for f in FORMATS if f not in checker.checkers]
    if missing:
        raise RuntimeError(
            f"jsonschema cannot check format {', '.join(missing)} here: install the test "
            "extras (rfc3986-validator, rfc3339-validator), or the EPCIS checks would be hollow"
        )
    return jsonschema.Draft7Validator(schema(), registry=registry(), format_checker=checker)


@cache
def registry() -> Registry:
    """The schema as the only resource, under its ``$id``; any other URI is refused, not fetched."""
    official = schema()
    resource = Resource.from_contents(official)
    return Registry(retrieve=_no_network).with_resource(official["$id"], resource)


def validate(doc: dict) -> None:
    """Raise `jsonschema.ValidationError` (the most relevant one) unless `doc` is valid EPCIS 2.0."""
    validator().validate(doc)


def errors(doc: dict) -> list[str]:
    """Every reason the schema gives for rejecting `doc`, with where it is, for assertion text."""
    found = []
    for err in validator().iter_errors(doc):
        for leaf in _leaves(err):
            found.append(f"{leaf.json_path}: {leaf.message}")
    return found


def _leaves(err: jsonschema.ValidationError) -> Iterator[jsonschema.ValidationError]:
    if not err.context:
        yield err
    for sub in err.context:
        yield from _leaves(sub)
