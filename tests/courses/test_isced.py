"""The ISCED-F 2013 list and its loader."""

from __future__ import annotations

import pytest

from coil.courses import isced


def test_every_code_has_its_parents() -> None:
    table = isced.fields()
    for code, found in table.items():
        assert found.code == code
        if found.level == "detailed":
            assert table[code[:3]].level == "narrow", code
        if found.level != "broad":
            assert table[code[:2]].level == "broad", code


def test_every_narrow_field_has_a_detailed_field() -> None:
    table = isced.fields()
    for code, found in table.items():
        if found.level == "narrow":
            assert any(other[:3] == code and len(other) == 4 for other in table), code


def test_broad_fields() -> None:
    broad = [code for code, found in isced.fields().items() if found.level == "broad"]
    assert broad == [f"{n:02d}" for n in range(11)] + ["99"]


@pytest.mark.parametrize(
    ("code", "title"),
    [
        ("00", "Generic programmes and qualifications"),
        ("06", "Information and Communication Technologies (ICTs)"),
        ("0611", "Computer use"),
        ("0612", "Database and network design and administration"),
        ("0613", "Software and applications development and analysis"),
        (
            "0688",
            "Inter-disciplinary programmes and qualifications involving Information and "
            "Communication Technologies (ICTs)",
        ),
        ("041", "Business and administration"),
        ("0413", "Management and administration"),
        ("0421", "Law"),
        ("0712", "Environmental protection technology"),
        ("0732", "Building and civil engineering"),
        ("0917", "Traditional and complementary medicine and therapy"),
        ("0923", "Social work and counselling"),
        ("1015", "Travel, tourism and leisure"),
        ("0410", "Business and administration not further defined"),
        ("0419", "Business and administration not elsewhere classified"),
        ("0499", "Business, administration and law not elsewhere classified"),
        ("9999", "Field unknown"),
    ],
)
def test_known_titles(code: str, title: str) -> None:
    found = isced.get(code)
    assert found is not None
    assert found.title_en == title


@pytest.mark.parametrize(
    "code", ["0420", "0429", "0100", "0600", "1049", "0549", "0739", "6", "0614", "11", "0613 ", ""]
)
def test_codes_that_do_not_exist(code: str) -> None:
    # Narrow fields with a single detailed field have no "not further defined" code, and
    # broad fields with a single narrow field none at broad level.
    assert not isced.is_valid(code)
    assert isced.get(code) is None


def test_counts() -> None:
    levels = [found.level for found in isced.fields().values()]
    assert (levels.count("broad"), levels.count("narrow"), levels.count("detailed")) == (
        12,
        58,
        149,
    )


def test_chain() -> None:
    assert [f.code for f in isced.chain("0613")] == ["06", "061", "0613"]
    assert [f.title_en for f in isced.chain("041")] == [
        "Business, administration and law",
        "Business and administration",
    ]
    assert isced.get("0613").parent_code == "061"  # type: ignore[union-attr]
    assert isced.get("06").parent_code is None  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="not an ISCED-F 2013 code"):
        isced.chain("0614")


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("0613", "0613", "same_detailed"),
        ("0613", "0611", "same_narrow"),
        ("061", "0613", "same_narrow"),
        ("061", "061", "same_narrow"),
        ("0613", "0688", "same_broad"),
        ("06", "0613", "same_broad"),
        ("0413", "0613", "different"),
        ("9999", "9999", "different"),
        ("0413", "99", "different"),
    ],
)
def test_relation(a: str, b: str, expected: str) -> None:
    assert isced.relation(a, b) == expected
    assert isced.relation(b, a) == expected


def test_relation_rejects_unknown_codes() -> None:
    with pytest.raises(ValueError, match="'0614'"):
        isced.relation("0613", "0614")
