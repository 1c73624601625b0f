"""News-style categories that the debate-trained model misjudges (app/core/analysis/news_style).

Each category is tested with sentences written for this test (none from the news set),
both through :func:`news_verdict` and, where the model alone gets it wrong, through
:func:`analyse` as a reader of the article would see it.
"""

from __future__ import annotations

import pytest

from app.core.analysis import analyse
from app.core.analysis.model import load_model
from app.core.analysis.news_style import AT_LEAST_WEAK, NEVER, news_verdict


@pytest.mark.parametrize(
    "sentence",
    [
        # feelings and judgements, reported or quoted
        "The mayor said she was deeply saddened by the closure of the pier.",
        "“I have never been so scared in all my life,” he told the local radio station.",
        "The head teacher said the inspection report was encouraging.",
        "Union leaders called the offer “an insult to every nurse in the county”.",
        "The charity said the cuts had been made “without a second thought”.",
        "“We must not let this happen again,” the minister said.",
        "It was the happiest day of my career, the coach said.",
        "The council urged residents to keep drains clear of leaves.",
        # the outlet's procedural lines and its own voice
        "The rail operator declined to comment.",
        "The company did not respond to a request for comment.",
        "A second hearing has been scheduled for April.",
        "The inquiry will take place in the town hall.",
        "Our correspondent sent this report from the border.",
        # appeals for information, scene-setting at a briefing or a hearing
        "Police said anyone with information should call the incident line.",
        "The inspector was joined by the county's fire chief, Rhona Tait.",
        "Later, the inquiry heard from a retired lock keeper.",
        # an opinion adverb inside a quotation
        "“Exit polls are notoriously fickle,” the agent said.",
        # a fragment of speech split off a quotation
        "“Never.",
        "Not yet.",
        # advice, reported
        "The surgeon said the results should reassure anyone waiting for a new hip.",
    ],
)
def test_never_check_worthy(sentence: str) -> None:
    assert news_verdict(sentence) is NEVER


@pytest.mark.parametrize(
    "sentence",
    [
        # figures with units, proportions, spans of time, counting ordinals, dates
        "The bridge repairs will cost £4.2m, the council said.",
        "Only one in five households recycles food waste.",
        "The ambulance took forty minutes to arrive.",
        "It is the third year running that the river has flooded.",
        "The scheme ended on March 31.",
        # a superlative placed in a comparison
        "“Our rents are the highest in the region, and they keep rising.”",
        # attributed statements and the record of what an actor did
        "Inspectors said the hospital had failed to record falls on two of its wards.",
        "The regulator rejected the water company's appeal.",
        "Health officials have ruled out closing the maternity unit.",
        # counts of people and doses, causes stated as fact, what a study could not show
        "Nine candidates are standing in the ward.",
        "A can of the drink contains 160mg of caffeine.",
        "Shingles causes a painful rash on one side of the body.",
        "The trial was small, so it cannot show that the drug prevents strokes.",
        "The inquiry was called after the harbour master resigned in June.",
        "The margin of error is about two percentage points.",
        "Children who walk to school are more likely to meet the activity guidelines.",
    ],
)
def test_at_least_weakly_check_worthy(sentence: str) -> None:
    assert news_verdict(sentence) is AT_LEAST_WEAK


@pytest.mark.parametrize(
    "sentence",
    [
        "What happens to the money now?",  # questions are the model's (and never rules')
        "The museum reopens after a long refurbishment.",
        "Jane Doe, 64, said she would stay in the village.",  # an age is not a figure
        "Let me just say, thank you all for coming tonight.",  # a speaker's own words
        "The same can be said of the other harbour towns on the coast.",  # a turn of phrase
        "Two days ago we walked along the river with our children.",  # own experience
        "The council said the road would reopen next week.",  # a forecast
        "Our volunteers are the best in the world.",  # a boast, not a comparison
        "The new rules could lead to longer queues at the port.",  # a conjecture
        "We should have acted much sooner on the estuary.",  # a debater's own "should"
    ],
)
def test_left_to_the_model(sentence: str) -> None:
    assert news_verdict(sentence) is None


def test_a_reported_forecast_with_should_is_not_taken_for_advice() -> None:
    assert news_verdict("Analysts say the new model should boost sales this spring.") is not NEVER
    assert news_verdict("Doctors said patients should not stop taking the pills.") is not NEVER


def test_a_figure_outweighs_a_judgement_word() -> None:
    sentence = "Farmers are worried because milk prices have fallen by 12% since June."
    assert news_verdict(sentence) is AT_LEAST_WEAK


def test_a_headlines_change_outweighs_an_appeal_in_it() -> None:
    headline = "Mumps cases double as GP urges students to get vaccinated"
    assert news_verdict(headline, headline=True) is AT_LEAST_WEAK


def test_what_a_study_could_not_show_is_a_claim() -> None:
    assert news_verdict("But the survey could not show that the app caused it.") is AT_LEAST_WEAK


def test_headlines_that_report_a_change() -> None:
    assert news_verdict("Bus fares double as subsidy ends", headline=True) is AT_LEAST_WEAK
    assert news_verdict("Harbour town votes 2024: live", headline=True) is None
    assert news_verdict("A summer of music by the sea", headline=True) is None


def test_an_article_is_tinted_by_category_not_by_debate_style() -> None:
    """What a reader sees: feelings and procedural lines plain, short facts tinted."""
    text = (
        "Ferry fares rise as fuel costs bite\n\n"
        "By Ola Brennan\n\n"
        "Fares on the island ferry will rise by 14% from May, the operator said. "
        "A harbour official said he was frustrated with the decision. "
        "Only one in three crossings left on time last winter. "
        "The operator declined to comment on the timetable. "
        "The ferry service launched a new route to the mainland in 2019."
    )
    model = load_model()
    by_text = {s.text: s for s in analyse(text)}
    frustrated = by_text["A harbour official said he was frustrated with the decision."]
    declined = by_text["The operator declined to comment on the timetable."]
    late = by_text["Only one in three crossings left on time last winter."]
    assert not frustrated.checkworthy and not declined.checkworthy
    assert late.checkworthy
    assert by_text["The ferry service launched a new route to the mainland in 2019."].checkworthy
    assert by_text["By Ola Brennan"].band is None  # a byline never
    assert by_text["Ferry fares rise as fuel costs bite"].checkworthy
    # the score stays the model's own (calibrated on its training data)
    assert late.score == round(model.score(late.text), 4)
