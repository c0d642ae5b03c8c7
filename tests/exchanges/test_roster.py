"""The pure CSV roster parser: delimiters, encodings, headers and row errors (no Flask)."""

from __future__ import annotations

import contextlib
import csv
import io

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coil.exchanges.roster import RosterFileError, parse_roster, sniff_delimiter


def lines(*rows: str) -> bytes:
    return ("\r\n".join(rows) + "\r\n").encode()


def test_comma_file_with_optional_student_number():
    roster = parse_roster(
        lines(
            "name,email,student_number", "Anna de Vries,Anna@Example.org,123", "Bo,bo@example.org,"
        )
    )
    assert [(r.line, r.name, r.email, r.student_number) for r in roster.rows] == [
        (2, "Anna de Vries", "anna@example.org", "123"),
        (3, "Bo", "bo@example.org", None),
    ]
    assert roster.errors == []


def test_semicolon_file_from_dutch_excel_with_bom_and_aliases():
    body = "\ufeffNaam;E-mail;Studentnummer\r\nJoëlle Müller;j@example.org;9\r\n".encode()
    roster = parse_roster(body)
    assert roster.delimiter == ";"
    assert roster.rows[0].name == "Joëlle Müller"
    assert roster.rows[0].student_number == "9"


def test_quoted_delimiters_and_blank_lines():
    roster = parse_roster(
        lines("name,email", '"Vries, Anna de",anna@example.org', "", ",,", "Bo,bo@example.org")
    )
    assert [r.name for r in roster.rows] == ["Vries, Anna de", "Bo"]
    assert [r.line for r in roster.rows] == [2, 5]


@pytest.mark.parametrize(
    "body",
    [
        "name,email\nJoëlle,j@example.org\n".encode("utf-16"),
        "name,email\nJoëlle,j@example.org\n".encode("utf-16-le"),
        "name,email\nJoëlle,j@example.org\n".encode("latin-1"),
        b"\x89PNG\r\n\x1a\n\x00\x00",
    ],
)
def test_other_encodings_are_refused_as_a_whole(body):
    with pytest.raises(RosterFileError) as raised:
        parse_roster(body)
    assert raised.value.code == "encoding"


def test_missing_columns_are_named():
    with pytest.raises(RosterFileError) as raised:
        parse_roster(lines("full name,student_number", "Anna,1"))
    assert raised.value.code == "missing_columns"
    assert raised.value.params["columns"] == ["email"]


@pytest.mark.parametrize("body", [b"", b"\r\n\r\n", b"\xef\xbb\xbf", lines("name,email")])
def test_empty_files(body):
    with pytest.raises(RosterFileError) as raised:
        parse_roster(body)
    assert raised.value.code in {"empty", "no_rows"}


def test_each_bad_row_is_reported_with_its_row_number():
    roster = parse_roster(
        lines(
            "name,email",
            ",nameless@example.org",
            "Anna,not-an-address",
            "Bo,bo@example.org",
            "Bo Again,BO@example.org",
            "Cy,",
        )
    )
    assert [(e.line, e.code) for e in roster.errors] == [
        (2, "empty_name"),
        (3, "invalid_email"),
        (5, "duplicate_email"),
        (6, "empty_email"),
    ]
    assert [r.email for r in roster.rows] == ["bo@example.org"]


def test_size_and_row_limits():
    with pytest.raises(RosterFileError) as raised:
        parse_roster(b"x" * 101, max_bytes=100)
    assert raised.value.code == "too_large"
    body = lines("name,email", *(f"P{i},p{i}@example.org" for i in range(11)))
    with pytest.raises(RosterFileError) as raised:
        parse_roster(body, max_rows=10)
    assert raised.value.code == "too_many_rows"


def test_sniffing_prefers_the_most_used_delimiter():
    assert sniff_delimiter("name;email;student_number") == ";"
    assert sniff_delimiter("name,email") == ","
    assert sniff_delimiter("name\temail") == "\t"
    assert sniff_delimiter("email") == ","


names = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp")), min_size=1, max_size=30
).filter(lambda s: s.strip() and " ".join(s.split()) == s)


@settings(max_examples=60, deadline=None)
@given(
    people=st.lists(names, min_size=1, max_size=8),
    delimiter=st.sampled_from([",", ";"]),
    bom=st.booleans(),
    newline=st.sampled_from(["\r\n", "\n"]),
)
def test_whatever_a_spreadsheet_writes_comes_back(people, delimiter, bom, newline):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=newline)
    writer.writerow(["name", "email", "student_number"])
    for i, name in enumerate(people):
        writer.writerow([name, f"s{i}@example.org", str(i)])
    body = ("\ufeff" if bom else "") + out.getvalue()
    roster = parse_roster(body.encode())
    assert roster.errors == []
    assert [r.name for r in roster.rows] == people


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_garbage_never_escapes_as_another_exception(data):
    with contextlib.suppress(RosterFileError):
        parse_roster(data)
