"""Table-driven tests for the rule/dictionary event-trigger classifier.

All example sentences are our own (written for these tests), one or more per
ACLED sub-event type and per PLOVER type, plus negatives.
"""

from __future__ import annotations


import pytest

from tightrope.extract.classify import (
    NO_EVENT,
    PLOVER_TYPES,
    TriggerMatch,
    acled_names,
    classify_plover,
    classify_snippet,
    find_triggers,
    main_trigger,
    plover_legacy_map,
)

# (sentence, CASE 2021 code)
ACLED_CASES = [
 ("Government troops recaptured the town of Tal Hamra from rebel fighters on Sunday after two days of fighting.", "GOV_REGAINS_TERIT"),
 ("Insurgents seized control of the district headquarters after overrunning an army outpost.", "NON_STATE_ACTOR_OVERTAKES_TER"),
 ("Soldiers clashed with militants near the border, leaving four fighters dead.", "ARMED_CLASH"),
 ("Security forces opened fire on peaceful protesters, killing three demonstrators.", "FORCE_AGAINST_PROTEST"),
 ("Police fired tear gas and water cannon to disperse hundreds of protesters outside parliament.", "PROTEST_WITH_INTER"),
 ("Thousands of teachers marched peacefully through the capital to demand higher wages.", "PEACE_PROTEST"),
 ("Protesters threw stones at police and set tyres on fire during a violent demonstration.", "VIOL_DEMONSTR"),
 ("An angry mob lynched a man accused of stealing cattle in the village.", "MOB_VIOL"),
 ("Witnesses said chlorine gas was used in the attack on the besieged suburb.", "CHEM_WEAP"),
 ("Warplanes carried out airstrikes on the village, killing five civilians.", "AIR_STRIKE"),
 ("A drone strike hit a vehicle carrying two commanders of the group.", "AIR_STRIKE"),
 ("A suicide bomber blew himself up at a checkpoint, killing six policemen.", "SUIC_BOMB"),
 ("Artillery shelling and mortar fire pounded residential areas of the city overnight.", "ART_MISS_ATTACK"),
 ("Two soldiers were killed when a roadside bomb struck their patrol.", "REM_EXPLOS"),
 ("A landmine exploded under a minibus, wounding nine passengers.", "REM_EXPLOS"),
 ("Unknown attackers hurled a hand grenade into a crowded market, injuring 12 people.", "GRENADE"),
 ("Soldiers raped two women during a raid on the village, a rights group said.", "SEX_VIOL"),
 ("Gunmen attacked a bus carrying villagers and shot dead seven passengers.", "ATTACK"),
 ("Armed men kidnapped a local aid worker from his home late on Tuesday.", "ABDUCT_DISSAP"),
 ("The two sides signed a ceasefire agreement in the capital after weeks of talks.", "AGREEMENT"),
 ("Police arrested 15 opposition activists in a dawn operation.", "ARREST"),
 ("Dozens of fighters defected from the militia and joined the national army.", "CHANGE_TO_GROUP_ACT"),
 ("Security forces seized a large cache of weapons and ammunition in a raid on a hideout.", "DISR_WEAP"),
 ("Bomb disposal experts defused an explosive device found near the school.", "DISR_WEAP"),
 ("Foreign troops have set up a new military base near the airport.", "HQ_ESTABLISHED"),
 ("Looters ransacked shops and torched several houses in the market town.", "PROPERTY_DISTRUCT"),
 ("The rebels withdrew from the town and handed over control to the local council without resistance.", "NON_VIOL_TERRIT_TRANSFER"),
 ("Investigators exhumed a mass grave containing dozens of bodies.", "OTHER"),
 ("The weather was nice.", "OTHER"),
]

# (sentence, PLOVER type)
PLOVER_CASES = [
 ("The foreign minister accused the neighbouring government of arming the rebels.", "ACCUSE"),
 ("The president condemned the attack in a televised address.", "ACCUSE"),
 ("The council urged both parties to return to the negotiating table.", "REQUEST"),
 ("Opposition leaders demanded the immediate release of political prisoners.", "REQUEST"),
 ("The government rejected the peace proposal put forward by the mediators.", "REJECT"),
 ("The ministry denied the reports.", "REJECT"),
 ("The militia threatened to attack the city if its demands were not met.", "THREATEN"),
 ("The army warned residents to leave the area.", "THREATEN"),
 ("The two foreign ministers met in Geneva for talks on the crisis.", "CONSULT"),
 ("The UN Security Council convened an emergency session on the fighting.", "CONSULT"),
 ("Both sides agreed to exchange prisoners next week.", "AGREE"),
 ("The donor countries delivered food aid to the displaced families.", "AID"),
 ("The European Union imposed sanctions on three senior officials.", "SANCTION"),
 ("The country expelled two diplomats over spying allegations.", "SANCTION"),
 ("The army deployed additional troops to the border region.", "MOBILIZE"),
 ("Police detained the journalist at the airport.", "COERCE"),
 ("The rebels released twenty hostages on Friday.", "RETREAT"),
 ("The prime minister praised the mediators for their efforts.", "SUPPORT"),
 ("The two navies held joint military exercises in the gulf.", "COOPERATE"),
 ("The government lifted the curfew in the northern province.", "CONCEDE"),
 ("Thousands of workers staged a protest outside the ministry.", "PROTEST"),
 ("Militants attacked a police station, killing two officers.", "ASSAULT"),
 ("The weather was nice.", "NONE"),
]


@pytest.mark.parametrize(("sentence", "code"), ACLED_CASES)
def test_classify_snippet_acled(sentence: str, code: str) -> None:
    got_code, sub, plover = classify_snippet(sentence, allow_unseen=False)
    assert got_code == code
    assert sub == acled_names(code)[1]
    assert plover in PLOVER_TYPES or plover == NO_EVENT


@pytest.mark.parametrize(("sentence", "ptype"), PLOVER_CASES)
def test_classify_plover(sentence: str, ptype: str) -> None:
    assert classify_plover(sentence)[0] == ptype


def test_acled_names_cover_all_25_types() -> None:
    names = {acled_names(c) for _, c in ACLED_CASES}
    assert ("Explosions/Remote violence", "Air/drone strike") in names
    assert ("Strategic developments", "Other") in names
    assert len({c for _, c in ACLED_CASES}) == 25
    assert acled_names("DIPLO") == (None, None)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("A magnitude 6.1 earthquake struck the coastal region, killing 12 people.", "NATURAL_DISASTER"),
        ("The militant group claimed responsibility for the bombing of the bus station.", "ATTRIB"),
        ("Police dismantled a drug smuggling ring and seized 300 kilograms of cocaine.", "ORG_CRIME"),
        ("A gas explosion at a chemical plant killed four workers after a leak.", "MAN_MADE_DISASTER"),
        ("The foreign ministry expelled two diplomats and imposed new sanctions on the regime.", "DIPLO"),
    ],
)
def test_unseen_types_when_allowed(text: str, expected: str) -> None:
    assert classify_snippet(text, allow_unseen=True)[0] == expected
    assert classify_snippet(text, allow_unseen=False)[0] != expected


def test_find_triggers_offsets_and_cue_refinement() -> None:
    text = "Witnesses said drones attacked a convoy near the town, killing seven people."
    trig = find_triggers(text, offset=100)
    assert trig, "expected triggers"
    for t in trig:
        assert isinstance(t, TriggerMatch)
        assert text[t.start - 100:t.end - 100] == t.text
        assert 0.0 <= t.score <= 1.0
    killing = [t for t in trig if t.text == "killing"][0]
    assert killing.sub_event_type == "Air/drone strike"
    assert killing.event_type == "Explosions/Remote violence"
    assert (killing.plover_type, killing.plover_mode) == ("ASSAULT", "drone")
    assert killing.family == "violent"


@pytest.mark.parametrize("text,trigger,code", [
    ("Security forces opened fire on protesters in Basra.", "opened fire", "FORCE_AGAINST_PROTEST"),
    ("Security forces killed protesters in Basra on Friday.", "killed", "FORCE_AGAINST_PROTEST"),
    ("Two protesters were killed in Basra on Friday.", "killed", "FORCE_AGAINST_PROTEST"),
    ("Gunmen opened fire on a checkpoint near Kirkuk on Monday.", "opened fire", "ARMED_CLASH"),
])
def test_cue_terms_do_not_hide_the_violent_trigger_inside(text: str, trigger: str, code: str) -> None:
    """lethal_force terms ("opened fire on", "protesters were killed") are transparent: the trigger
    inside them still counts, and the sentence is coded."""
    assert trigger in [t.text for t in find_triggers(text)]
    assert classify_snippet(text)[0] == code


def test_find_triggers_verbal_and_protest_families() -> None:
    trig = find_triggers("The minister condemned the arrests of protesters.")
    fams = {t.text: t for t in trig}
    assert fams["condemned"].plover_type == "ACCUSE"
    assert fams["condemned"].family == "verbal"
    assert fams["condemned"].event_type is None
    assert fams["arrests"].sub_event_type == "Arrests"


def test_protest_trigger_refined_by_police_response() -> None:
    text = "Riot police used tear gas to break up the protest."
    protest = [t for t in find_triggers(text) if t.text == "protest"][0]
    assert protest.sub_event_type == "Protest with intervention"
    assert protest.plover_type == "PROTEST"


def test_capture_requires_a_place_object() -> None:
    # seizing weapons is disrupted weapons use, not territory
    code, _, _ = classify_snippet("Police seized 40 rifles and ammunition in the town.", allow_unseen=False)
    assert code == "DISR_WEAP"
    # an attempt to take control is not a capture
    code, _, _ = classify_snippet(
        "Militants attacked army positions in an attempt to take control of the hill, "
        "but soldiers repelled the assault.", allow_unseen=False)
    assert code == "ARMED_CLASH"


def test_names_are_not_triggers() -> None:
    # "Amnesty" and "Court" are parts of names here, not events
    assert classify_plover("Amnesty International criticised the Supreme Court ruling.")[0] == "ACCUSE"


def test_modality_adjusts_plover_type() -> None:
    assert classify_plover("The two leaders will meet in Cairo next week.")[0] == "AGREE"
    assert classify_plover("The government said it would impose sanctions on the company.")[0] == "THREATEN"
    assert classify_plover("The rebels refused to release the hostages.")[0] == "REJECT"
    assert classify_plover("The envoy said the militias must withdraw from the city.")[0] == "REQUEST"


@pytest.mark.parametrize(
    "text",
    ["The weather was nice.", "", "Shares rose 3 percent on Tuesday.", "The minister said the economy was growing."],
)
def test_negatives(text: str) -> None:
    assert find_triggers(text) == []
    assert classify_plover(text) == (NO_EVENT, None)
    assert classify_snippet(text)[0] == "OTHER"


def test_legacy_plover_names() -> None:
    assert plover_legacy_map("DEMAND") == "REQUEST"
    assert plover_legacy_map("DISAPPROVE") == "ACCUSE"
    assert plover_legacy_map("FIGHT") == "ASSAULT"
    assert plover_legacy_map("AGREE") == "AGREE"


def test_main_trigger_offsets() -> None:
    text = "Officials said the army deployed troops along the border."
    t = main_trigger(text, offset=10)
    assert t is not None and t.plover_type == "MOBILIZE"
    assert text[t.start - 10:t.end - 10] == t.text
