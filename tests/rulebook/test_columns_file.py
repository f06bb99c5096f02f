"""columns.yaml as a rules file: checked with file and line, and what a rule author adds is read."""

from __future__ import annotations

from tests.conftest import run_cli


def check(root) -> tuple[int, list[str]]:
    """`trackright rules check ROOT`: exit code and the problem lines on stderr."""
    ran = run_cli("rules", "check", str(root))
    assert "Traceback" not in ran.stderr
    return ran.returncode, [line for line in ran.stderr.splitlines() if "columns.yaml:" in line]


def test_the_bundled_columns_file_is_valid_and_its_schema_fresh():
    """The shipped columns.yaml passes `rules check` and its JSON Schema is up to date."""
    assert run_cli("rules", "check").returncode == 0
    ran = run_cli("rules", "schema", "--check", "rules/schemas")
    assert ran.returncode == 0, ran.stderr


def test_a_header_name_under_two_fields_names_both_lines(minibook):
    """`precio` under title as well as price: one problem, at the second listing, naming the first."""
    line = minibook.edit(
        "columns.yaml", "      nombre, nombre del", "      precio, nombre, nombre del"
    )
    code, problems = check(minibook.root)
    assert code != 0 and len(problems) == 1
    text = (minibook.root / "columns.yaml").read_text(encoding="utf-8").splitlines()
    price_line = next(
        i for i, t in enumerate(text, 1) if t.startswith("      precio, precio de venta")
    )
    assert f"columns.yaml:{price_line}: fields.price: header name 'precio'" in problems[0]
    assert (
        f"also listed under fields.title as 'precio' ({minibook.root / 'columns.yaml'}:{line})"
        in problems[0]
    )


def test_names_that_differ_only_by_accents_are_the_same_name(minibook):
    """`Categoría` under brand clashes with `categoria` under category: accents fold before comparing."""
    line = minibook.edit("columns.yaml", "      brand, vendor,", "      Categoría, brand, vendor,")
    code, problems = check(minibook.root)
    assert code != 0 and len(problems) == 1
    assert f"columns.yaml:{line}: fields.brand: header name 'Categoría'" in problems[0]
    assert "fields.category as 'categoria'" in problems[0]


def test_one_header_under_two_roles_of_a_platform_is_a_problem(minibook):
    """A WooCommerce header cannot be both the SKU and the name."""
    line = minibook.edit(
        "columns.yaml", "sku: [sku, ugs, artikelnummer]", "sku: [sku, ugs, artikelnummer, nombre]"
    )
    code, problems = check(minibook.root)
    assert code != 0 and len(problems) == 1
    assert (
        f"columns.yaml:{line + 2}: platforms.woocommerce.columns.title: header name 'nombre'"
        in problems[0]
    )
    assert f"columns.yaml:{line})" in problems[0]


def test_a_misspelt_field_or_role_is_a_located_problem(minibook):
    """An unknown field, or a mark naming no role, is reported at its line with a suggestion."""
    field_line = minibook.edit(
        "columns.yaml", "  title_detail:", "  titel: [naam]\n  title_detail:"
    )
    mark_line = minibook.edit(
        "columns.yaml", "[handle, price], [handle, sku]", "[handle, price], [handel, sku]"
    )
    code, problems = check(minibook.root)
    assert code != 0
    assert any(
        f"columns.yaml:{field_line}:" in p and "unknown key 'titel' (did you mean 'title'?)" in p
        for p in problems
    )
    assert any(
        f"columns.yaml:{mark_line}:" in p and "\"handel\" (did you mean 'handle'?)" in p
        for p in problems
    )


def test_a_mark_whose_role_has_no_names_is_a_problem(minibook):
    """A platform's mark can only be found if every role in it has header names."""
    line = minibook.edit("columns.yaml", "      handle: [handle]\n", "")
    code, problems = check(minibook.root)
    assert code != 0 and len(problems) == 1
    assert "platforms.shopify.mark: role 'handle' has no names" in problems[0]
    assert f"columns.yaml:{line - 2}:" in problems[0]


def test_a_header_name_a_rule_author_adds_is_read_by_evaluate(minibook, tmp_path):
    """Adding `Artikelkennung` under sku in a rules folder makes evaluate read that column."""
    catalog = tmp_path / "artikel.csv"
    catalog.write_text(
        "Artikelkennung;Bezeichnung;Preis\nX-1;Teekanne Glas 1 l;24,90\n", encoding="utf-8"
    )
    before = run_cli("evaluate", str(catalog), "--rules", str(minibook.root), "--format", "csv")
    assert before.returncode == 2 and "no SKU column" in before.stderr
    minibook.edit(
        "columns.yaml",
        "      artikelnummer, art-nr,",
        "      artikelnummer, artikelkennung, art-nr,",
    )
    assert check(minibook.root)[0] == 0
    after = run_cli("evaluate", str(catalog), "--rules", str(minibook.root), "--format", "csv")
    assert after.returncode == 0, after.stderr
    assert "X-1" in after.stdout and "Teekanne Glas 1 l" in after.stdout


def test_a_rules_copy_without_columns_yaml_is_told_where_to_get_it(minibook):
    """A folder copied before columns.yaml existed: one problem saying what the file is and where it is."""
    (minibook.root / "columns.yaml").unlink()
    code, problems = check(minibook.root)
    assert code != 0 and len(problems) == 1
    assert "missing rules file: the rulebook needs columns.yaml" in problems[0]
    assert "copy it from the bundled rules" in problems[0]


def test_an_id_word_of_several_words_names_its_line(minibook):
    """`id_words` holds single words (a header matches on any one of its words): a phrase is a
    problem at its own line, with the fix."""
    line = minibook.edit(
        "columns.yaml", "platforms:", "id_words: [referencia, código interno]\n\nplatforms:"
    )
    code, problems = check(minibook.root)
    assert code != 0 and len(problems) == 1
    assert f"columns.yaml:{line}: id_words: 'código interno' is not one word" in problems[0]
    assert "list each word alone" in problems[0]
