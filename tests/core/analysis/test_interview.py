"""Question-and-answer interviews: the answers are the interviewee's, the questions nobody's."""

from __future__ import annotations

from app.core.analysis import analyse


def _by_text(text: str) -> dict[str, tuple[str | None, bool]]:
    return {s.text: (s.claimant, s.checkworthy) for s in analyse(text)}


def test_q_and_a_labels_give_the_answers_to_the_interviewee_named_in_the_headline() -> None:
    text = (
        "“We will not cut the subsidy”: Mara Quist answers our questions\n\n"
        "Mara Quist has run the regional water board since 2021.\n\n"
        "Q: Are bills going up again next year?\n"
        "A: No, bills will stay at £410 a year until 2027.\n"
        "We agreed that with the regulator in June.\n\n"
        "Q: How many leaks did you fix last year?\n"
        "A: We repaired 14,000 leaks, twice as many as in 2022.\n"
    )
    got = _by_text(text)
    assert got["A: No, bills will stay at £410 a year until 2027."][0] == "Mara Quist"
    assert got["We agreed that with the regulator in June."][0] == "Mara Quist"
    assert got["A: We repaired 14,000 leaks, twice as many as in 2022."][0] == "Mara Quist"
    question = got["Q: How many leaks did you fix last year?"]
    assert question == (None, False)


def test_the_interviewees_role_comes_from_the_introduction() -> None:
    text = (
        "“Fares will not rise”: Dara Okonjo answers our questions\n\n"
        "Dara Okonjo has been the regional transport minister since March.\n\n"
        "Q: Will fares rise?\n"
        "A: No, the single fare stays at £2.50 until 2027.\n"
    )
    answer = next(s for s in analyse(text) if s.text.startswith("A:"))
    assert (answer.claimant, answer.claimant_role) == ("Dara Okonjo", "regional transport minister")


def test_unlabelled_answers_after_a_question_put_to_you_are_the_interviewees() -> None:
    text = (
        "Tobias Renner on leaving the orchestra\n\n"
        "Tobias Renner played the cello with the Northern Philharmonic for 31 years.\n\n"
        "Why did you leave?\n\n"
        "They cut our season from 90 concerts to 52 in two years. "
        "I could not live on what was left.\n\n"
        "Do you miss it?\n\n"
        "He smiles.\n"
        "“Every evening at half past seven.”\n"
    )
    got = _by_text(text)
    assert got["They cut our season from 90 concerts to 52 in two years."][0] == ("Tobias Renner")
    assert got["I could not live on what was left."][0] == "Tobias Renner"
    assert got["He smiles."][0] is None  # the writer's narration, not an answer
    assert got["“Every evening at half past seven.”"][0] == "Tobias Renner"


def test_a_transcripts_name_labels_give_each_line_to_the_person_named() -> None:
    text = (
        "Ports chief questioned by MPs\n\n"
        "The committee's chair, Helen Voss, asked Arne Lund, the port authority's chief "
        "executive, about delays.\n\n"
        "Helen Voss: How many ships were turned away last year?\n"
        "Arne Lund: About 140, out of some 9,000 that called.\n"
        "Helen Voss: So more than one a week was refused.\n"
    )
    got = _by_text(text)
    assert got["Helen Voss: How many ships were turned away last year?"][0] is None
    assert got["Arne Lund: About 140, out of some 9,000 that called."][0] == "Arne Lund"
    assert got["Helen Voss: So more than one a week was refused."][0] == "Helen Voss"


def test_an_explainers_subheading_question_does_not_make_an_interview() -> None:
    text = (
        "Storm brings 90mph gusts to the coast\n\n"
        "More than 60,000 homes lost power after gusts of 91mph, Gale Watch said.\n\n"
        "What is an amber warning?\n\n"
        "An amber warning means damage to buildings is likely.\n"
    )
    got = _by_text(text)
    assert got["An amber warning means damage to buildings is likely."][0] is None


def test_an_interviewees_first_person_answer_with_a_figure_is_a_claim() -> None:
    text = (
        "Nadia Ferro answers our questions\n\n"
        "Nadia Ferro has been the county's finance director since 2019.\n\n"
        "Q: Why did the library plan stall?\n"
        "A: The budget rose from £40m to £95m, and we cannot justify that.\n"
    )
    answer = next(s for s in analyse(text) if s.text.startswith("A:"))
    assert answer.claimant == "Nadia Ferro"
    assert answer.checkworthy  # the debate-trained model alone scores it low
