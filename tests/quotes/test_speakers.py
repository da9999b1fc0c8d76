"""Speaker attribution: reporting verbs, titles, appositions, pronouns, inheritance."""

from __future__ import annotations

import pytest

from leakdesk.quotes import check_quotes


def speakers(article: str) -> list[str | None]:
    return [q.speaker for q in check_quotes(article, {"source": "nothing to see here"}).quotes]


@pytest.mark.parametrize(
    ("article", "expected"),
    [
        pytest.param('"We will act," Khan said.', ["Khan"], id="surname-said"),
        pytest.param('"We will act," said Ahmed Khan.', ["Ahmed Khan"], id="said-name"),
        pytest.param('"We will act," said Ahmed Khan, the foreign minister.', ["Ahmed Khan"],
                     id="said-name-apposition"),
        pytest.param('Ahmed Khan, the foreign minister, said: "We will act."', ["Ahmed Khan"],
                     id="apposition-before"),
        pytest.param('Ahmed Khan, 54, told reporters: "We will act."', ["Ahmed Khan"],
                     id="age-apposition"),
        pytest.param('Ahmed Khan, who chairs the committee, said: "We will act."', ["Ahmed Khan"],
                     id="relative-clause"),
        pytest.param('Its chair, Ahmed Khan, said: "We will act."', ["Ahmed Khan"],
                     id="name-in-apposition"),
        pytest.param('Senator Jane Doe said: "We will act."', ["Jane Doe"], id="title-name"),
        pytest.param('Deputy Foreign Minister Sara Malik wrote: "We will act."', ["Sara Malik"],
                     id="long-title"),
        pytest.param('"We will act," a spokesperson for the ministry said.',
                     ["a spokesperson for the ministry"], id="spokesperson"),
        pytest.param('In a statement, a spokesperson for the ministry said: "We will act."',
                     ["a spokesperson for the ministry"], id="intro-phrase"),
        pytest.param('According to the memo, "the figures should be delayed."', ["the memo"],
                     id="according-to"),
        pytest.param('"The figures should be delayed," according to the memo.', ["the memo"],
                     id="according-to-after"),
        pytest.param('The memo says the figures are "alarming" and "unreliable".',
                     ["the memo", "the memo"], id="document-speaks"),
        pytest.param('Khan called the plan "reckless".', ["Khan"], id="characterising-verb"),
        pytest.param('"Why now?" Khan asked.', ["Khan"], id="question"),
        pytest.param('"We will act," he later told the BBC.', [None], id="pronoun-unresolved"),
        pytest.param('Officials were told to call it a "pause".', [None], id="passive-told"),
        pytest.param('The so-called "reset" failed.', [None], id="scare-quote"),
        pytest.param('The Prime Minister said: "We will act."', ["the Prime Minister"],
                     id="role-unresolved"),
        pytest.param('Labour MP Priya Patel said: "We will act."', ["Priya Patel"],
                     id="party-title-name"),
        pytest.param('The Labour MP Priya Patel said Holloway had "questions to answer".',
                     ["Priya Patel"], id="description-ending-in-name"),
        pytest.param('The memo sets out the plan. "Officials must act," it reads.', ["the memo"],
                     id="it-reads"),
        pytest.param("Minister ‘misled’ parliament over report, leaked memo suggests",
                     [None], id="headline-scare-quote"),
        pytest.param('"We will act," Mr. Khan said.', ["Mr. Khan"], id="us-abbreviation"),
        pytest.param('Rep. Jim Jordan (R-Ohio) said: "We will act."', ["Jim Jordan"],
                     id="parenthesis"),
        pytest.param('"We will act," said Sen. Jane Doe, D-Mass.', ["Jane Doe"],
                     id="us-senator-party"),
        pytest.param('A White House spokesperson, Karine Jean-Pierre, said: "We will act."',
                     ["Karine Jean-Pierre"], id="hyphenated-name"),
        pytest.param('President John F. Kennedy said: "We will act."', ["John F. Kennedy"],
                     id="initial"),
    ],
)
def test_attribution(article: str, expected: list[str | None]) -> None:
    assert speakers(article) == expected


def test_surname_resolves_to_full_name_given_before() -> None:
    article = ('Ahmed Khan chaired the meeting.\n\n"We will act," Khan said.\n\n'
               '"Soon," Mr Khan added.')
    assert speakers(article) == ["Ahmed Khan", "Ahmed Khan"]


def test_title_and_surname_without_full_name_stays_as_written() -> None:
    assert speakers('"We will act," Mr Khan said.') == ["Mr Khan"]


def test_pronoun_resolves_to_last_person_named() -> None:
    article = ("The plan was drafted by Deputy Minister Sara Malik.\n\n"
               '"We cannot afford delay," she continued.')
    assert speakers(article) == ["Sara Malik"]


def test_pronoun_skips_person_of_other_gender() -> None:
    article = 'Ahmed Khan met Mrs Sara Malik on Monday. "Nothing was agreed," he said.'
    assert speakers(article) == ["Ahmed Khan"]


def test_role_resolves_to_person_named_with_it() -> None:
    article = ('Prime Minister Ahmed Khan spoke first.\n\n'
               '"We will act," the Prime Minister said.')
    assert speakers(article) == ["Ahmed Khan"]


def test_role_from_apposition() -> None:
    article = ('Ahmed Khan, the foreign minister, arrived late.\n\n'
               '"We will act," the minister said.')
    assert speakers(article) == ["Ahmed Khan"]


def test_unattributed_quote_continues_the_speaker_before() -> None:
    article = ('"It was a draft," Ahmed Khan said. "Drafts are not decisions."\n\n'
               '"And nobody approved it."\n\n"Nobody at all."\n\nThe ministry said nothing more.'
               '\n\n"Unattributed again."')
    assert speakers(article) == ["Ahmed Khan"] * 4 + [None]


def test_split_quote_attribution_in_the_middle() -> None:
    assert speakers('"We will fight," said Senator Jane Doe, "and we will win."') == ["Jane Doe"]


def test_block_quote_attributed_by_the_paragraph_before() -> None:
    article = ("Intro paragraph about the memo.\n\nIn the memo, Sara Malik wrote:\n\n"
               "> The ministry will not publish the figures before the election.\n\n"
               "That was in March.")
    assert speakers(article) == ["Sara Malik"]


def test_full_name_appearing_later_is_used() -> None:
    article = ('"We will act," Khan said.\n\nAhmed Khan has chaired the committee since 2019.')
    assert speakers(article) == ["Ahmed Khan"]
