"""Table-driven cases for each pattern family of the article extractor, on sentences we wrote.

Each case is a short article (title line + body) published on a known date.
"""
from __future__ import annotations

import datetime as dt

import pytest

from tightrope.extract import extract_document
from tightrope.ingest.readers import doc_id_for
from tightrope.models import DateValue, Document

PUB = DateValue(dt.date(2024, 3, 10), "day", "dateline")


def run(body: str, pub: DateValue = PUB):
    text = "Test headline\n" + body
    doc = Document(doc_id=doc_id_for(text), text=text, published=pub)
    x = extract_document(doc)
    for fact in (*x.events, *x.statements, *x.stats, *x.relations):
        assert text[fact.provenance.char_start:fact.provenance.char_end] == fact.text
    return x


def one_event(body: str, **filters):
    evs = [e for e in run(body).events if all(getattr(e, k) == v for k, v in filters.items())]
    assert evs, f"no event with {filters} in {[e.to_row() for e in run(body).events]}"
    return evs[0]


# --- violent events: type, actors, date, place, weapon, fatalities --------------------------
@pytest.mark.parametrize("body,field,expected", [
    ("On March 3, 2024, Kataib Hezbollah launched a drone at Ain al-Asad air base in Anbar.", "sub_event_type", "Air/drone strike"),
    ("On March 3, 2024, Kataib Hezbollah launched a drone at Ain al-Asad air base in Anbar.", "actor1", "Kataib Hezbollah"),
    ("On March 3, 2024, Kataib Hezbollah launched a drone at Ain al-Asad air base in Anbar.", "location", "Ain al-Asad Air Base"),
    ("On March 3, 2024, Kataib Hezbollah launched a drone at Ain al-Asad air base in Anbar.", "weapon", "drone"),
    ("Militants fired three rockets at the Baghdad embassy compound on Sunday.", "sub_event_type", "Shelling/artillery/missile attack"),
    ("Two of its soldiers were killed in a drone attack on Friday, Israel said.", "fatalities", 2),
    ("Two of its soldiers were killed in a drone attack on Friday, Israel said.", "actor2", "Israel"),
    ("A drone launched from Syria struck a farm near Haifa on Monday.", "origin_country", "Syria"),
    ("A drone launched from Syria struck a farm near Haifa on Monday.", "location", "Haifa"),
    ("On 12 May 2023, the Rapid Support Forces clashed with the Sudanese Armed Forces in Khartoum.", "actor1",
     "Rapid Support Forces"),
    ("On 3 March 2024, Boko Haram militants attacked a military base in Gwoza, killing five soldiers.", "actor1",
     "Boko Haram"),
    ("The Islamic Resistance in Iraq said it launched a drone at Harir air base on Tuesday.", "actor1",
     "Islamic Resistance in Iraq"),
    ("The Islamic Resistance in Iraq said it launched a drone at Harir air base on Tuesday.", "claim_status", "claimed"),
    ("The United States struck targets in Iraq and Syria on Friday, days after a drone attack that killed three "
     "American soldiers.", "actor1", "United States"),
])
def test_violent_event_fields(body, field, expected):
    ev = one_event(body, plover_type="ASSAULT").to_row()
    assert ev[field] == expected


@pytest.mark.parametrize("body,iso,precision,method_prefix", [
    ("On March 3, 2024, militants attacked a checkpoint in Kirkuk.", "2024-03-03", "day", "absolute"),
    ("Militants attacked a checkpoint in Kirkuk on Sunday.", "2024-03-10", "day", "relative"),
    ("Fighting broke out on 1 March 2024. The following day, militants attacked a checkpoint in Kirkuk.",
     "2024-03-02", "day", "relative"),
    ("Last month, militants attacked a checkpoint in Kirkuk.", "2024-02", "month", "relative"),
])
def test_event_dates(body, iso, precision, method_prefix):
    evs = [e for e in run(body).events if e.plover_type == "ASSAULT" and "checkpoint" in e.text]
    assert evs and evs[0].date.iso() == iso and evs[0].date.precision == precision
    assert evs[0].date.method.startswith(method_prefix)


def test_several_months_give_one_event_each():
    x = run("Israel said Iranian missiles hit Israel in April and October.", DateValue(dt.date(2024, 11, 2), "day", "x"))
    months = sorted(e.date.iso() for e in x.events if e.plover_type == "ASSAULT")
    assert months == ["2024-04", "2024-10"]


# --- what must NOT become an event ------------------------------------------------------------
@pytest.mark.parametrize("body", [
    "Israel's plans for escalation would begin with strikes on infrastructure.",
    "The militia threatened to attack US bases if the talks failed.",
    "Officials said the group did not attack the convoy.",
    "Analysts warn that a large-scale war could follow any strike on Iraq.",
    "\"We will strike every base,\" the commander said.",
    "The number of wounded could still rise, she said.",
])
def test_irrealis_negated_and_quoted_are_not_events(body):
    assert [e for e in run(body).events if e.plover_type == "ASSAULT"] == []


# --- claims, confirmation, hedging, interception ---------------------------------------------
@pytest.mark.parametrize("body,status,hedged", [
    ("The Islamic Resistance in Iraq claimed responsibility for a drone attack on Erbil airport on Tuesday.", "claimed", False),
    ("The Pentagon confirmed that a drone attack hit al-Tanf garrison on Tuesday.", "confirmed", False),
    ("A drone reportedly struck a base near Erbil on Tuesday.", "reported", True),
    ("Kataib Hezbollah said on Tuesday that it had launched a drone at a base in the Kurdistan Region.", "claimed",
     False),
    ("The drones were likely launched from Iraq and struck Eilat on Tuesday.", "reported", True),
])
def test_claim_status_and_hedging(body, status, hedged):
    ev = one_event(body, plover_type="ASSAULT")
    assert ev.claim_status == status and ev.hedged is hedged


def test_one_sentence_one_coding_without_mixing_families():
    ev = one_event("About 2,000 troops remain under an agreement, fighting remnants of the Islamic State group on Monday.",
                   plover_type="ASSAULT")
    assert ev.sub_event_type != "Agreement"


def test_interception_makes_interceptor_the_target():
    ev = one_event("On Monday the Israeli army intercepted two drones launched from Iraq over Eilat.",
                   plover_type="ASSAULT")
    assert ev.outcome == "intercepted" and ev.origin_country == "Iraq"
    assert "Israel" in (ev.actor2 or "") + (ev.assoc_actor_2 or "")


# --- weapons found or seized (ACLED: disrupted weapons use) ----------------------------------
@pytest.mark.parametrize("body", [
    "Iraqi police seized four rifles and a box of ammunition in Kirkuk on Sunday.",
    "Two roadside bombs were found near Tikrit on Monday.",
    "An arms cache has been discovered in a farmhouse near Baiji, the army said on Tuesday.",
    "On Friday troops displayed weapons seized in a raid near Mosul.",
    "Grenades and detonators that soldiers uncovered on Thursday were taken to a base in Samarra.",
])
def test_weapons_found_or_seized(body):
    x = run(body)
    assert x.events and x.events[0].sub_event_type == "Disrupted weapons use", [e.to_row() for e in x.events]


@pytest.mark.parametrize("body", [
    "Militants hurled grenades at a checkpoint in Kirkuk on Sunday.",
    "Rockets were fired at the Baghdad embassy compound on Sunday.",
    "Two explosive-laden drones were launched at the base on Monday; one was intercepted and the other hit a hangar.",
    "Investigators said on Monday that the rifle had been bought legally last year.",
    "The police will search the farms near Baiji for weapons on Friday.",
])
def test_weapon_use_or_talk_is_no_seizure(body):
    assert all(e.sub_event_type != "Disrupted weapons use" for e in run(body).events)


# --- bases set up -------------------------------------------------------------------------------
@pytest.mark.parametrize("body,expected", [
    ("Turkish troops have set up two new military bases near Zakho, local officials said on Monday.", True),
    ("A new outpost was established near Sinjar by Turkish troops on Monday.", True),
    ("Gunmen opened fire on a military base near Kirkuk on Monday.", False),
    ("Aid agencies have built camps for the displaced near Mosul since March.", False),
])
def test_base_established(body, expected):
    subs = [e.sub_event_type for e in run(body).events]
    assert ("Headquarters or base established" in subs) is expected, subs


@pytest.mark.parametrize("body,plover", [
    ("Iraqi troops have withdrawn from the town of Rawa, officials said on Monday.", "RETREAT"),
    ("Militants have taken control of two villages near Tal Afar, residents said on Sunday.", "ASSAULT"),
    ("Two suicide bombers have blown themselves up near a checkpoint in Kirkuk, police said on Monday.", "ASSAULT"),
])
def test_irregular_participles_report_events(body, plover):
    assert one_event(body, plover_type=plover)


def test_a_violent_act_committed_is_an_event_not_a_commitment():
    x = run("Rights groups said on Monday that the militia committed widespread rape against women in Sinjar "
            "last year.")
    assert [e.sub_event_type for e in x.events if e.plover_type == "ASSAULT"] == ["Sexual violence"]
    assert all(e.plover_type != "AGREE" for e in x.events)
    assert all(e.plover_type != "AGREE" for e in run("Investigators said on Monday that the militia had "
                                                     "committed crimes against civilians in Sinjar.").events)


@pytest.mark.parametrize("body,assault", [
    ("On Monday Israel urged the Security Council to make Baghdad halt these attacks on its territory.", False),
    ("Iraq condemned the use of its land for such attacks on Monday.", False),
    ("The minister said on Monday that any attacks on the embassy would be answered.", False),
    ("Faction leaders said on Monday that the attacks on Israel will continue.", False),
    ("Officials warned on Monday that the attacks could drag Iraq into a regional war.", False),
    ("On Friday the Islamic Resistance in Iraq claimed further drone attacks on the Golan Heights.", True),
    ("On Monday the attack, which could have killed dozens, hit the base in Erbil.", True),
])
def test_attacks_referred_back_or_ahead_are_no_new_event(body, assault):
    assert any(e.plover_type == "ASSAULT" for e in run(body).events) is assault


@pytest.mark.parametrize("body", [
    "On Monday the Jordanian foreign minister spoke about the escalating violence in southern Lebanon.",
    "Rescue teams carried debris from the crashed airliner to the port on Tuesday.",
])
def test_violence_in_general_is_no_riot(body):
    assert all(e.plover_type != "PROTEST" for e in run(body).events)


def test_a_generic_crowd_protesting_is_protesters():
    ev = one_event("Thousands of people held a protest in Basra on Friday against power cuts.", plover_type="PROTEST")
    assert ev.actor1 == "Protesters"


def test_gunmen_opening_fire_is_an_attack_by_them():
    ev = one_event("Gunmen opened fire on a checkpoint near Kirkuk on Monday.", plover_type="ASSAULT")
    assert ev.actor1 == "Unidentified Armed Group"


# --- civilians are the side hit; a closing "X said" is the source ----------------------------
@pytest.mark.parametrize("body,actor1,actor2", [
    ("At least six people were killed and dozens wounded after security forces opened fire on protesters in Basra "
     "on Friday.",
     "Police Forces", "Civilians"),
    ("Two civilians were wounded in a mortar attack on a market in Tal Afar on Sunday.", None, "Civilians"),
    ("A woman was raped at a checkpoint near Kirkuk on Sunday.", None, "Civilians"),
    ("A teenager was shot dead at a protest in Nasiriyah on Monday.", None, "Civilians"),
])
def test_civilians_are_never_the_attacker(body, actor1, actor2):
    ev = one_event(body, plover_type="ASSAULT")
    assert (ev.actor1, ev.actor2) == (actor1, actor2)


@pytest.mark.parametrize("body,source", [
    ("Two civilians were killed in separate attacks in Kirkuk, police said on Saturday.", "Police Forces"),
    ("A drone struck the base's living quarters early on Monday, US officials said.", "US officials"),
    ("Rockets hit the Baghdad embassy compound on Sunday, the Iraqi military said in a statement.", "Iraqi Army"),
])
def test_closing_reporting_clause_attributes_the_event(body, source):
    ev = one_event(body, plover_type="ASSAULT")
    assert ev.attributed_to == (source,) or list(ev.attributed_to) == [source], ev.to_row()
    assert source not in (ev.actor1, ev.actor2)


def test_reporting_clause_further_in_is_not_the_source():
    ev = one_event("Militants attacked a checkpoint in Kirkuk on Sunday, saying in a long statement posted online "
                   "that the raid avenged the killing of their commander.", plover_type="ASSAULT")
    assert not ev.attributed_to


# --- verbal and diplomatic events ------------------------------------------------------------
@pytest.mark.parametrize("body,plover,actor1,actor2", [
    ("On Monday, Iraq accused Israel of violating its airspace.", "ACCUSE", "Iraq", "Israel"),
    ("Jordan urged the UN Security Council to act on Monday.", "REQUEST", "Jordan", "UN Security Council"),
    ("On Monday, Iraq demanded that Turkey withdraw its troops from the north.", "REQUEST", "Iraq", "Turkey"),
    ("On Monday, Iraq rejected the Israeli letter to the United Nations.", "REJECT", "Iraq", "Israel"),
])
def test_verbal_events(body, plover, actor1, actor2):
    ev = one_event(body, plover_type=plover)
    assert ev.actor1 == actor1 and ev.actor2 == actor2 and ev.event_type is None


def test_consult_needs_no_target():
    ev = one_event("The Iraqi National Security Council convened an emergency session on Monday.",
                   plover_type="CONSULT")
    assert ev.actor1 == "Iraqi National Security Council"


# --- statements ------------------------------------------------------------------------------
@pytest.mark.parametrize("body,speaker,stype,quote_part", [
    ('Gideon Sa\'ar, Israel\'s foreign minister, warned that "Israel will respond with force to any attack."',
     "Gideon Sa'ar", "THREATEN", "respond with force"),
    ('Iraqi Prime Minister Mohammed Shia al-Sudani dismissed the letter as "baseless claims meant to justify aggression."',
     "Mohammed Shia al-Sudani", "REJECT", "baseless claims"),
    ('Ahmed Karim, a researcher at a Baghdad think tank, spoke on Monday.\n"The government must rein in the factions before it is too late," he said.',
     "Ahmed Karim", "REQUEST", "rein in the factions"),
])
def test_statements(body, speaker, stype, quote_part):
    sts = [s for s in run(body).statements if quote_part in (s.quote or "")]
    assert sts, run(body).statements
    assert sts[0].speaker == speaker and sts[0].statement_type == stype


def test_quote_only_paragraph_continues_previous_speaker():
    x = run("However, analyst Rania Haddad doubted the government's reach.\n"
            "\"Baghdad does not have the tools to stop these launches from its territory.\"")
    assert [s.speaker for s in x.statements] == ["Rania Haddad"]


# --- reported statistics ---------------------------------------------------------------------
def test_monthly_list_with_source_and_origin():
    x = run("Israel has counted 40 drone attacks from Iraq since early February, according to the newspaper "
            "Haaretz.\nThe paper noted a rise from four in November to 12 in December and 25 in January.")
    got = {(s.value, s.period_start.isoformat() if s.period_start else None) for s in x.stats}
    assert {(40, "2024-02-01"), (4, "2023-11-01"), (12, "2023-12-01"), (25, "2024-01-01")} <= got
    feb = next(s for s in x.stats if s.value == 40)
    assert feb.subject == "drone attack" and feb.origin == "Iraq"
    assert all(s.source and "Haaretz" in s.source for s in x.stats)


def test_rate_and_approximation():
    x = run("A US official said roughly ten daily launches targeted Israel.")
    st = next(s for s in x.stats if s.value == 10)
    assert st.unit == "per day" and st.approximate and st.source == "US official"


def test_casualties_are_not_tallies():
    assert run("Three soldiers were killed in the attack on Monday.").stats == ()


# --- relations -------------------------------------------------------------------------------
@pytest.mark.parametrize("body,subject,relation,obj", [
    ("The Iran-backed Kataib Hezbollah denied the report.", "Kataib Hezbollah", "backed_by", "Iran"),
    ("Kataib Hezbollah, part of the Islamic Resistance in Iraq, denied the report.", "Kataib Hezbollah", "part_of",
     "Islamic Resistance in Iraq"),
    ("Omar Haddad, a spokesman for Kataib Hezbollah, denied the report.", "Omar Haddad", "spokesperson_of",
     "Kataib Hezbollah"),
    ("Iraqi Foreign Minister Fuad Hussein met his Jordanian counterpart.", "Fuad Hussein", "official_of", "Iraq"),
])
def test_relations(body, subject, relation, obj):
    rels = {(r.subject, r.relation, r.object) for r in run(body).relations}
    assert (subject, relation, obj) in rels, rels
