"""
The local sandbox's LIKE in linear time.

A pattern of many ``%`` against a long name used to run a backtracking regular expression: ``'%a%a%a%a%a%a%a%b'``
against a 100-character name took over 15 s of CPU, and each further ``%`` multiplied it by about 15, so one query
could hold a web process for good. LIKE now matches piece by piece, with the regular expression's answers.
"""

import itertools
import re
import time

import pytest

from apps.qbo_sandbox.query import execute, parse
from apps.qbo_sandbox.query.predicates import like_matcher


def _regex_like(pattern: str, text: str) -> bool:
    """What LIKE answered before, with a regular expression: the reference, for short texts only."""
    pieces = pattern.casefold().split("%")
    return re.fullmatch(".*".join(re.escape(piece) for piece in pieces), text.casefold(), re.DOTALL) is not None


def _like_matches(pattern: str, text: str) -> bool:
    # The predicate receives the text casefolded, as compile_condition hands it over.
    return like_matcher(pattern)(text.casefold())


def test_twenty_wildcards_against_a_thousand_characters_answer_in_under_100_ms():
    pattern = "%a" * 19 + "%b"
    # No match, a match, and a middle piece searched through most of the name.
    names = ["a" * 1000, "a" * 999 + "b", "a" * 10 + "x" * 989 + "b"]
    test = like_matcher(pattern)

    timings = []
    for _ in range(3):
        started = time.perf_counter()
        answers = [test(name) for name in names]
        timings.append(time.perf_counter() - started)

    assert pattern.count("%") == 20 and {len(name) for name in names} == {1000}
    assert answers == [False, True, False]
    # The one timed assertion the issue asks for; the best of three runs keeps a busy machine from failing it.
    assert min(timings) < 0.1


def test_the_long_pattern_still_matches_where_it_should():
    pattern = "%a" * 19 + "%b"
    assert _like_matches(pattern, "a" * 999 + "b")
    assert _like_matches(pattern, "A" * 19 + "B")
    assert not _like_matches(pattern, "a" * 18 + "b")


@pytest.mark.parametrize(
    ("pattern", "text", "expected"),
    [
        ("Basement Bar", "basement bar", True),
        ("Basement Bar", "Basement Bar!", False),
        ("", "", True),
        ("", "x", False),
        ("%", "", True),
        ("%", "anything", True),
        ("%%", "", True),
        ("Bas%", "Basement", True),
        ("Bas%", "Abas", False),
        ("%bar", "Basement Bar", True),
        ("%bar", "Bar Basement", False),
        ("%& B%", "Bob & Bill", True),
        ("B%t%r", "Basement Bar", True),
        ("B%t%r", "Basement Bat", False),
        ("a%a", "a", False),
        ("a%a", "aa", True),
        ("ab%ba", "aba", False),
        ("ab%ba", "abba", True),
        ("%aa%aa%", "aaa", False),
        ("%aa%aa%", "aaaa", True),
        ("%a%b%c%", "cbacba", False),
        ("%a%b%c%", "xaxbxcx", True),
        ("Bas_ment%", "Basement", False),
        ("Bas_ment%", "Bas_ment room", True),
        ("%.%", "no dot", False),
        ("%.*%", "a .* b", True),
        ("%\\%", "back\\", True),
        ("line%two", "line\ntwo", True),
        ("STRASSE%", "Straße 5", True),
        ("%straße", "HAUPTSTRASSE", True),
    ],
)
def test_like_answers_as_the_regular_expression_did(pattern, text, expected):
    assert _regex_like(pattern, text) is expected
    assert _like_matches(pattern, text) is expected


def test_like_agrees_with_the_regular_expression_on_every_short_pattern_and_text():
    patterns = ["".join(chars) for size in range(6) for chars in itertools.product("ab%", repeat=size)]
    texts = ["".join(chars) for size in range(7) for chars in itertools.product("ab", repeat=size)]

    disagreements = [
        (pattern, text)
        for pattern in patterns
        for text in texts
        if _like_matches(pattern, text) != _regex_like(pattern, text)
    ]

    assert disagreements == []


def test_a_like_query_over_records_uses_the_same_matcher():
    records = [
        {"Id": "1", "DisplayName": "a" * 1000},
        {"Id": "2", "DisplayName": "a" * 999 + "b"},
        {"Id": "3", "DisplayName": "Basement Bar"},
    ]
    query = parse("SELECT * FROM Customer WHERE DisplayName LIKE '" + "%a" * 19 + "%b'")

    result = execute(query, records, name_list=True)

    assert [record["Id"] for record in result.records] == ["2"]
