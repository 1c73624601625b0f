"""Claimant attribution on news constructions (issue 17), on invented sentences.

Each test is one category of mistake found on real articles: what a fact-checker reading
the detector's output would notice. Names and sentences are made up for these tests.
"""

from __future__ import annotations

from app.core.analysis import SentenceAnalysis, analyse


def _by_text(text: str) -> dict[str, SentenceAnalysis]:
    return {s.text: s for s in analyse(text)}


def _claimants(text: str) -> list[tuple[str | None, str | None]]:
    return [(s.claimant, s.claimant_role) for s in analyse(text)]


def test_venue_and_audience_are_not_the_speaker() -> None:
    story = (
        "Foreign Minister Odile Ferrand said at the UN General Assembly: “Our harvests failed "
        "twice in three years.” She said the country had lost 40% of its wheat.\n\n"
        "Trade envoy Rufus Adeyemi told Channel 4 News: “The deal is dead.” "
        "He said talks had collapsed on Friday."
    )
    assert _claimants(story) == [
        ("Odile Ferrand", "Foreign Minister"),
        ("Odile Ferrand", "Foreign Minister"),
        ("Rufus Adeyemi", "Trade envoy"),
        ("Rufus Adeyemi", "Trade envoy"),
    ]


def test_titles_are_kept_apart_from_names_at_word_boundaries() -> None:
    story = (
        "Shadow Transport Secretary Nadia Kell said fares had risen 9%. "
        "Argentine farm minister Tomas Rey said exports fell. "
        "Ms Kell later said the rise was the largest in a decade. "
        "Mr Rey insisted the figures were provisional."
    )
    assert _claimants(story) == [
        ("Nadia Kell", "Shadow Transport Secretary"),
        ("Tomas Rey", "Argentine farm minister"),
        ("Nadia Kell", "Shadow Transport Secretary"),
        ("Tomas Rey", "Argentine farm minister"),
    ]


def test_organisations_and_countries_with_a_broad_list_of_reporting_verbs() -> None:
    story = (
        "The Treasury called the figures misleading. "
        "Portugal has already said it will veto the plan. "
        "Ghana disputed the report, alleging that it used old data. "
        "The Home Office issued guidance that limits visas to 12 months. "
        "Ms Okoro repeated the accusation on Tuesday. "
        "The regulator estimated that 2,000 jobs were at risk. "
        "The bank denied any wrongdoing. "
        "Inspectors found that 30% of the checks were skipped. "
        "Okoro was quoted as saying the scheme cost £4m."
    )
    assert [c for c, _ in _claimants(story)] == [
        "Treasury",
        "Portugal",
        "Ghana",
        "Home Office",
        "Okoro",
        "regulator",
        "bank",
        "Inspectors",
        "Okoro",
    ]


def test_full_name_as_first_introduced_and_abbreviations_tied_to_their_expansion() -> None:
    story = (
        "Council leader Harriet Mbeki said the budget was balanced. "
        "The Department for Culture and Sport (DCS) said museums would reopen. "
        "Mrs Mbeki added that reserves stood at £3m. "
        "The DCS insisted no jobs would go. "
        "A DCS spokeswoman said 14 sites were affected."
    )
    assert [c for c, _ in _claimants(story)] == [
        "Harriet Mbeki",
        "Department for Culture and Sport",
        "Harriet Mbeki",
        "Department for Culture and Sport",
        "Department for Culture and Sport",
    ]


def test_pronouns_agree_with_the_person_they_stand_for() -> None:
    story = (
        "Mr Alcott, the union's treasurer, said the fund was empty. "
        "Union president Grace Omondi disagreed. "
        "“We have £2m in reserve,” she said. "
        "“The treasurer has not read the accounts,” she added. "
        "He said he would publish the accounts on Monday."
    )
    got = [c for c, _ in _claimants(story)]
    assert got[0] == "Alcott"
    assert got[2:] == ["Grace Omondi", "Grace Omondi", "Alcott"]


def test_it_and_they_go_to_organisations() -> None:
    story = (
        "Dr Ivo Marsh said waiting lists were growing. "
        "The Royal College of Nursing said 40,000 posts were vacant. "
        "It warned that the gap would double by 2030."
    )
    assert [c for c, _ in _claimants(story)] == [
        "Ivo Marsh",
        "Royal College of Nursing",
        "Royal College of Nursing",
    ]


def test_impersonal_reports_name_nobody_unless_an_agent_is_named() -> None:
    story = (
        "Minister Carla Jost said the bridge would open in May. "
        "It was reported that the contractor had gone bust. "
        "It was claimed by residents that the bridge was unsafe."
    )
    assert [c for c, _ in _claimants(story)] == ["Carla Jost", None, "residents"]


def test_quotations_continue_across_sentences_and_paragraphs() -> None:
    story = (
        "“We warned them in 2019. Nobody listened,” said engineer Paolo Brandt.\n\n"
        "“The cracks were visible from the road.\n\n"
        "“Anyone could have seen them.”\n\n"
        "The bridge was closed on Monday."
    )
    assert [c for c, _ in _claimants(story)] == [
        "Paolo Brandt",
        "Paolo Brandt",
        "Paolo Brandt",
        "Paolo Brandt",
        None,
    ]


def test_claim_made_by_and_a_failed_according_to() -> None:
    story = (
        "The claim, made by former councillor Edith Barnes, that the pool cost £9m was wrong. "
        "According to — well, nobody is sure — the pool will close, Mr Hale said."
    )
    assert [c for c, _ in _claimants(story)] == ["Edith Barnes", "Hale"]


def test_captions_credits_and_narration_have_no_claimant() -> None:
    story = (
        "Flood defences fail in Marston\n\n"
        "By Selma Quist\n\n"
        "The river burst its banks at 3am, the Environment Agency said.\n\n"
        "Pictured: Residents watch the water rise on Mill Lane\n\n"
        "Credit: Jon Tarr/Getty Images\n\n"
        "The town has flooded four times since 2000."
    )
    got = {s.text: (s.claimant, s.checkworthy) for s in analyse(story)}
    assert got["By Selma Quist"] == (None, False)
    assert got["Credit: Jon Tarr/Getty Images"] == (None, False)
    assert got["Pictured: Residents watch the water rise on Mill Lane"][0] is None
    assert got["The town has flooded four times since 2000."][0] is None
    assert got["The river burst its banks at 3am, the Environment Agency said."][0] == (
        "Environment Agency"
    )


def test_subheadings_are_check_worthy_only_when_they_state_a_fact() -> None:
    story = (
        "Prices climb again\n\n"
        "Inflation rose to 4.1% in March, the highest rate since 2023.\n\n"
        "What happens next?\n\n"
        "Economists expect rates to stay on hold.\n\n"
        "Rents: up 9% in a year\n\n"
        "Rents in the capital rose 9% in the year to March.\n\n"
        "10:05: Minister arrives\n\n"
        "The minister arrived at 10am."
    )
    by_text = _by_text(story)
    assert by_text["What happens next?"].checkworthy is False
    assert by_text["10:05: Minister arrives"].checkworthy is False
    assert by_text["Rents: up 9% in a year"].band in {"strong", "weak"}
    assert by_text["Inflation rose to 4.1% in March, the highest rate since 2023."].band in {
        "strong",
        "weak",
    }


def test_interview_venue_and_possessive_organisations() -> None:
    story = (
        "In an interview with the Daily Ledger, Energy Minister Piotr Nowak said prices "
        "would fall. The ministry's spokesman said 80% of storage was full. "
        "Nowak's deputy, Ewa Lis, told the BBC's Today programme that the figure was 82%. "
        "She later told Reuters it was correct."
    )
    assert _claimants(story) == [
        ("Piotr Nowak", "Energy Minister"),
        ("ministry", None),
        ("Ewa Lis", "Nowak's deputy"),
        ("Ewa Lis", "Nowak's deputy"),
    ]


def test_interview_answers_keep_the_full_name_given_in_narration() -> None:
    story = (
        "Tomasz Vega ran the city's bus depot for nine years before he quit in May.\n\n"
        "Why did you leave?\n\n"
        "“The buses were failing inspections,” Mr Vega says. "
        "“Half the fleet was older than 15 years.”\n\n"
        "What did the council say?\n\n"
        "“They told me there was no money.”\n\n"
        "Do you regret it?\n\n"
        "“Not for a second,” he says."
    )
    got = [(s.text[:20], s.claimant) for s in analyse(story)]
    assert [c for _, c in got] == [
        None,
        None,
        "Tomasz Vega",
        "Tomasz Vega",
        None,
        "Tomasz Vega",
        None,
        "Tomasz Vega",
    ]


def test_court_titles_addresses_and_companies_speaking_as_it() -> None:
    story = (
        "Colin Marsh, 44, of Elm Street, admitted theft at Carlisle Crown Court. "
        "Recorder Paul Dent told Marsh: “You abused the trust of your employer.”\n\n"
        "Anglian Power says 12,000 homes have lost power. It says engineers are on the way."
    )
    assert _claimants(story) == [
        ("Colin Marsh", None),
        ("Paul Dent", "Recorder"),
        ("Anglian Power", None),
        ("Anglian Power", None),
    ]


def test_people_described_by_what_they_are_keep_the_description_as_role() -> None:
    """Found on the development articles: "Resident Jane Doe" gave "Resident Jane Doe"."""
    story = (
        "Passenger Colm Breen, 52, said the train had stopped twice in the tunnel. "
        "“Nobody told us anything for an hour,” he said."
    )
    assert _claimants(story) == [("Colm Breen", "Passenger"), ("Colm Breen", "Passenger")]


def test_data_is_credited_to_its_publisher_not_to_a_description_or_a_time() -> None:
    story = (
        "Official statistics show that 12% of bridges need repair. "
        "Network Rail's own data shows delays rose by a fifth. "
        "A review by the Office of Rail and Road last year found that fares had doubled."
    )
    # a group phrase is given as the sentence writes it ("Official statistics")
    assert [(c or "").lower() for c, _ in _claimants(story)] == [
        "official statistics",
        "network rail",
        "office of rail and road",
    ]


def test_she_and_he_never_go_to_a_one_word_organisation() -> None:
    story = (
        "Marta Ruiz opened her bakery in 2015.\n\n"
        "Bakeries lost 9,000 jobs last year, the trade body Bakewise says.\n\n"
        "“I want to bake for my neighbours again,” she says."
    )
    by_text = _by_text(story)
    trade_body = "Bakeries lost 9,000 jobs last year, the trade body Bakewise says."
    assert by_text[trade_body].claimant == "Bakewise"
    assert by_text["“I want to bake for my neighbours again,” she says."].claimant != "Bakewise"


def test_police_ranks_and_a_spokesmans_name_are_kept_apart() -> None:
    story = (
        "Det Supt Mina Okoye, of Harbourside Police, said 31 cars had been stolen. "
        "She said most were taken at night.\n\n"
        "Opposition housing spokesman Gil Barros said rents had risen by 12%."
    )
    assert [c for c, _ in _claimants(story)] == ["Mina Okoye", "Mina Okoye", "Gil Barros"]
    assert _claimants(story)[2] == ("Gil Barros", "Opposition housing spokesman")


def test_a_person_introduced_in_apposition_is_found_by_pronoun_and_surname() -> None:
    story = (
        "Dr Ravi Sen said 40 wards had closed, he told reporters.\n\n"
        "He was joined by the county's public health director, Ines Varga. "
        "She said 12 schools had reported cases.\n\n"
        "Ms Varga said the clinics would open on Monday."
    )
    got = _by_text(story)
    assert got["She said 12 schools had reported cases."].claimant == "Ines Varga"
    assert got["Ms Varga said the clinics would open on Monday."].claimant == "Ines Varga"


def test_a_witness_the_committee_heard_from_speaks_for_herself() -> None:
    story = (
        "Later, the panel heard from Orla Finch, a retired engineer. "
        "She said some bridges had gone 15 years without a full inspection."
    )
    got = [(s.text, s.claimant) for s in analyse(story)]
    assert got[0][1] is None  # hearing from someone is not the panel's claim
    assert got[1][1] == "Orla Finch"


def test_dismissing_and_describing_are_reported_statements() -> None:
    story = (
        "Analysts at Harrow Partners described the quarter as the weakest since 2019. "
        "The party's campaign manager, Rob Ellery, dismissed the poll as an outlier."
    )
    assert [c for c, _ in _claimants(story)] == ["Harrow Partners", "Rob Ellery"]


def test_an_organisation_described_in_apposition_is_what_the_description_means_later() -> None:
    story = (
        "Harwick Gas, the region's largest energy utility, said 3,000 homes lost supply. "
        "The utility said engineers had restored 2,400 of them by midnight. "
        "It expects every home to be reconnected by Friday."
    )
    assert [c for c, _role in _claimants(story)] == ["Harwick Gas"] * 3


def test_measurements_are_not_claimants() -> None:
    story = (
        "Swimmers were told to stay out of Lyle Bay after routine samples found high levels "
        "of bacteria. Later checks showed the levels had fallen by half."
    )
    assert [c for c, _role in _claimants(story)] == [None, None]
