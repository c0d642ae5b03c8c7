"""The matrix world: the shared test world (tests/world.py) twice, and something of every kind.

The exchange (preset KOPI) is the one the columns relate to: Anna (student, team 1), Lena
(lecturer), Cora (coordinator of the NL institution); the strangers of an unrelated institution
are the "outside" columns. A second, foreign exchange (preset TULIPS) is run by people of no
column, so its objects are foreign to everyone but the admin. Objects are named in ``ids``:

- ``x``/``fx`` the exchange and the foreign one; ``team``/``team_b``/``fteam`` teams 1 and 2
  and the foreign team 1; ``room``/``room_b``/``xroom``/``froom`` and
  ``space``/``space_b``/``xspace``/``fspace`` their rooms and spaces;
- ``task``/``doc``/``file`` (+ ``_b``, ``x``, ``f`` variants) a task, a document with two
  versions, and a stored file in each of those spaces;
- ``session``/``session_b``/``xsession``/``fsession`` live sessions (team 1, team 2, whole
  exchange, foreign); ``card``/``fcard`` prompt cards;
- ``bram`` (team 2, for leaving), ``eva`` (a late joiner in no team), ``enrolment``/
  ``fenrolment`` enrolments; ``proposal``/``fproposal`` the accepted proposals, ``outgoing``
  (Lena proposes to a third lecturer) and ``incoming`` (a foreign lecturer proposes to Lena);
- ``course``, ``draft``, ``spare`` Lena's courses, ``fcourse`` the foreign one, ``scourse``
  the stranger's; ``nl``, ``sinst`` (the strangers'), ``suspended`` institutions;
- per column: ``notification`` and ``api_token`` (each person's own; ``lena_note`` and
  ``lena_token`` are the lecturer's), plus ``relation`` (a partner decision of NL),
  ``invitation``/``join`` (Lena's join link), ``feed`` (Anna's calendar feed token), ``reset``
  (a first-password link of Eva's);
- ``msg``/``msg_b``/``msg_x``/``msg_f`` a message in each room (by Anna, Bram, Lena and a
  foreign lecturer) and ``msg_dirk`` one Dirk wrote in team 1's room before he dropped out.
"""

from __future__ import annotations

from datetime import date, time
from typing import Any

from coil.accounts.models import Role
from coil.accounts.services import password_setup_link
from coil.accounts.tokens import create_api_token
from coil.chat.models import Message
from coil.chat.sending import post_message
from coil.courses.services import CourseData, Meeting, create_course
from coil.dialogue.services import create_card
from coil.exchanges.enrolling import create_join_link
from coil.exchanges.models import Enrolment
from coil.extensions import db
from coil.institutions.services import set_partner_relation
from coil.notifications.services import notify_user
from coil.pairings.services import propose
from coil.schedule import feeds
from coil.schedule import services as schedule
from coil.spaces import documents as space_documents
from coil.spaces import services as spaces
from tests.authorization.harness import (
    ADMIN,
    ANON,
    COORD,
    DROPPED,
    LECTURER,
    OTHER_TEAM,
    OUT_COORD,
    OUT_LECTURER,
    OUT_STUDENT,
    STUDENT,
    MatrixWorld,
)
from tests.factories import DEFAULT_PASSWORD, Factory
from tests.world import KOPI, TULIPS, enrol_student

OPEN_COURSE = CourseData(
    title="Open to proposals",
    timezone="Africa/Johannesburg",
    first_day=date(2027, 2, 1),
    last_day=date(2027, 6, 4),
    meetings=[Meeting(1, time(14, 0), time(16, 0))],
    working_languages=[("en", "B2")],
    isced_codes=["0414"],
    exchange_weeks=6,
    status="open",
)


def _space_content(space: Any, author: Any, tag: str, ids: dict[str, Any]) -> None:
    """A task, a document in two versions and a stored file in ``space``."""
    from io import BytesIO

    ids[f"task{tag}"] = spaces.create_task(author, space, title=f"Task {tag}").id
    document = space_documents.create_document(author, space, title=f"Notes {tag}", body="First")
    space_documents.save_document(
        author, document, title=f"Notes {tag}", body="Second", base_version=1
    )
    ids[f"doc{tag}"] = document.id
    ids[f"file{tag}"] = spaces.upload_file(author, space, BytesIO(b"hello"), f"notes{tag}.txt").id


def build(factory: Factory) -> MatrixWorld:
    with factory.batch():
        main = factory.world(KOPI)
        foreign = factory.world(TULIPS, outsider=None, strangers=None)
        admin = factory.user(Role.ADMIN, None, email="admin@coil.example", name="Ada Admin")
        lena, anna, cora = main["lena"], main["anna"], main["cora"]
        people = {
            STUDENT: anna,
            OUT_STUDENT: main.stranger_student,
            LECTURER: lena,
            OUT_LECTURER: main.stranger_lecturer,
            COORD: cora,
            OUT_COORD: main.stranger_coordinator,
            ADMIN: admin,
        }
        exchange, fexchange = main.exchange, foreign.exchange
        ids: dict[str, Any] = {
            "x": exchange.id,
            "fx": fexchange.id,
            "team": main.teams[0].id,
            "team_b": main.teams[1].id,
            "fteam": foreign.teams[0].id,
            "room": main.team_rooms[0].id,
            "room_b": main.team_rooms[1].id,
            "xroom": main.exchange_room.id,
            "froom": foreign.team_rooms[0].id,
            "space": main.team_spaces[0].id,
            "space_b": main.team_spaces[1].id,
            "xspace": main.exchange_space.id,
            "fspace": foreign.team_spaces[0].id,
            "bram": main["bram"].id,
            "proposal": main.proposals[0].id,
            "fproposal": foreign.proposals[0].id,
            "course": main.courses["nl"].id,
            "fcourse": foreign.courses["nl"].id,
            "scourse": main.stranger_course.id,
            "nl": main.institutions["nl"].id,
            "anna_id": anna.id,
            "dewi_id": main["dewi"].id,
            "lena_id": lena.id,
            "fanna_id": foreign["anna"].id,
            "pieter_id": foreign["pieter"].id,
            "sinst": main.stranger.id,
        }
        # Spaces: the same content in team 1's, team 2's, the exchange's and a foreign space.
        pieter = foreign["pieter"]
        _space_content(main.team_spaces[0], anna, "", ids)
        _space_content(main.team_spaces[1], main["bram"], "_b", ids)
        _space_content(main.exchange_space, lena, "_x", ids)
        _space_content(foreign.team_spaces[0], pieter, "_f", ids)
        # Live sessions.
        day = date(2027, 3, 23)

        def session(actor: Any, exchange: Any, team: Any) -> int:
            data = schedule.SessionData("Kick-off", day, time(14), time(15), "Europe/Amsterdam")
            if team is not None:
                data = schedule.SessionData(
                    "Team talk", day, time(16), time(17), "Europe/Amsterdam", team=team
                )
            return schedule.create_session(actor, exchange, data).id

        ids["session"] = session(anna, exchange, main.teams[0])  # planned by Anna herself
        ids["session_b"] = session(lena, exchange, main.teams[1])
        ids["xsession"] = session(lena, exchange, None)
        ids["fsession"] = session(pieter, fexchange, foreign.teams[0])
        ids["feed"] = feeds.issue_feed_token(anna)
        # Prompt cards.
        ids["card"] = create_card(lena, exchange, "icebreaker", "What do you cook?", None).id
        ids["fcard"] = create_card(pieter, fexchange, "icebreaker", "Where is home?", None).id
        # Enrolments: a late joiner in no team, and one to drop on each side.
        eva = factory.user(Role.STUDENT, main.institutions["nl"], name="Eva")
        enrol_student(eva, main.courses["nl"])
        ids["eva"] = eva.id
        ids["enrolment"] = _enrolment_of(main["bram"].id, exchange.id)
        ids["fenrolment"] = _enrolment_of(foreign["carla"].id, fexchange.id)
        ids["dewi_enrolment"] = _enrolment_of(main["dewi"].id, exchange.id)  # Budi's student
        ids["pcourse"] = main.courses["id"].id  # the partner lecturer's course
        # Courses and proposals: Lena's draft and spare courses, a third lecturer's open one.
        ids["draft"] = factory.course(lena, title="Draft", status="draft").id
        spare = create_course(lena, OPEN_COURSE)
        ids["spare"] = spare.id
        third = factory.user(Role.LECTURER, name="Johan")
        johan_course = create_course(third, OPEN_COURSE)
        ids["outgoing"] = propose(lena, main.courses["nl"], johan_course, "Join us?").id
        carlos, fcourse = foreign["carlos"], foreign.courses["mx"]
        ids["incoming"] = propose(carlos, fcourse, spare, "Join us?").id
        # Institutions: a suspended one, and a partner decision of NL.
        ids["suspended"] = factory.institution(name="Suspended College", status="suspended").id
        ids["relation"] = set_partner_relation(
            cora, main.institutions["nl"], main.stranger, "allow", "Long-standing partner"
        ).id
        invitation, join_token = create_join_link(lena, main.courses["nl"])
        ids["invitation"], ids["join"] = invitation.id, join_token
        # Messages: one in each room, and one Dirk wrote in team 1's room before he dropped out.
        room, room_b = main.team_rooms
        ids["msg"] = post_message(anna, room, "m1", "Hello team")[0].id
        ids["msg_b"] = post_message(main["bram"], room_b, "m2", "Hello team two")[0].id
        ids["msg_x"] = post_message(lena, main.exchange_room, "m3", "Hello everyone")[0].id
        ids["msg_f"] = post_message(pieter, foreign.team_rooms[0], "m4", "Hola")[0].id
        old = Message(room_id=room.id, author_id=main["dirk"].id, client_id="m5", body="Bye")
        db.session.add(old)
        db.session.flush()
        ids["msg_dirk"] = old.id
        # Each person's own notification and API token (anonymous people borrow Anna's).
        ids["notification"] = {None: None}
        ids["api_token"] = {None: None}
        for column, person in people.items():
            note = notify_user(person, "proposal_received", _PARAMS, endpoint="home.index")
            ids["notification"][column] = note.id
            ids["api_token"][column] = create_api_token(person, "matrix")[0].id
        ids["lena_note"] = ids["notification"][LECTURER]
        ids["lena_token"] = ids["api_token"][LECTURER]
        ids["reset"] = password_setup_link(eva).rsplit("/", 1)[1]
        ids["notification"][None] = ids["notification"][STUDENT]
        ids["api_token"][None] = ids["api_token"][STUDENT]
        ids["notification"][ANON] = ids["notification"][STUDENT]
        ids["api_token"][ANON] = ids["api_token"][STUDENT]
        _reflections(main, foreign, ids)
        _assessment(main, ids)
        _reports(main, foreign, ids)
        _credentials(main, foreign, ids)
    emails = {column: person.email for column, person in people.items()}
    # two more people for the live events: Bram of team 2, and Dirk who dropped out of team 1
    emails.update({OTHER_TEAM: main["bram"].email, DROPPED: main["dirk"].email})
    return MatrixWorld(emails=emails, ids=ids, password=DEFAULT_PASSWORD)


_PARAMS = {"institution": "UT Valle", "their_course": "Global Marketing", "course": "Marketing"}


def _enrolment_of(user_id: int, exchange_id: int) -> int:
    enrolment = db.session.scalar(
        db.select(Enrolment).where(
            Enrolment.user_id == user_id, Enrolment.exchange_id == exchange_id
        )
    )
    assert enrolment is not None
    return enrolment.id


# -- reflections (tests/authorization/test_reflections.py) ---------------------------------------
# ``rprompt``/``frprompt`` a prompt of the exchange and of the foreign one; entries with one
# submitted version each: ``rentry`` Anna's (not shared), ``dentry`` Dewi's (shared with team 1,
# so Anna reads it; Dewi studies in Jakarta, so Cora does not), ``bentry`` Bram's (team 2, not
# shared; NL, so Cora reads it), ``fentry`` the foreign Anna's; ``rversion``/``fversion`` the
# versions of Anna's and the foreign entry.


AMS_TZ = "Europe/Amsterdam"


def _reflections(main: Any, foreign: Any, ids: dict[str, Any]) -> None:
    # imported here so that the whole block stays in one place when the blocks are merged
    from coil.reflections import queries as reflection_queries
    from coil.reflections import services as reflections

    def prompt(lecturer: Any, exchange: Any) -> Any:
        data = reflections.PromptData(
            1, {"en": "What surprised you?"}, ["curiosity"], date(2027, 3, 5), time(17), AMS_TZ
        )
        return reflections.create_prompt(lecturer, exchange, data)

    def entry(student: Any, exchange: Any, asked: Any, shared: bool = False) -> Any:
        version = reflections.submit(student, exchange, asked, f"{student.name} reflects")
        found = reflection_queries.entry_of(asked, student)
        reflections.set_sharing(student, found, shared=shared, in_portfolio=False)
        return found, version

    asked, fasked = prompt(main["lena"], main.exchange), prompt(foreign["pieter"], foreign.exchange)
    ids["rprompt"], ids["frprompt"] = asked.id, fasked.id
    anna, version = entry(main["anna"], main.exchange, asked)
    ids["rentry"], ids["rversion"] = anna.id, version.id
    ids["dentry"] = entry(main["dewi"], main.exchange, asked, shared=True)[0].id
    ids["bentry"] = entry(main["bram"], main.exchange, asked)[0].id
    fentry, fversion = entry(foreign["anna"], foreign.exchange, fasked, shared=True)
    ids["fentry"], ids["fversion"] = fentry.id, fversion.id


# -- assessment (tests/authorization/test_assessment.py) -----------------------------------------
# Every window of the exchange is reopened for a month so that Anna's submissions pass;
# ``dewi_id`` is Anna's teammate (Jakarta, so Cora may not read her record).


def _assessment(main: Any, ids: dict[str, Any]) -> None:
    # imported here so that the whole block stays in one place when the blocks are merged
    from datetime import timedelta

    from coil.assessment import services as assessment
    from coil.core.time import utcnow

    for kind in ("pre", "post", "peers"):
        assessment.reopen(main["lena"], main.exchange, kind, utcnow() + timedelta(days=30))
    ids["dewi_id"] = main["dewi"].id


# -- reports (tests/authorization/test_reports.py) -----------------------------------------------
# ``rjob`` an export Cora (NL) asked for, finished; ``fjob`` one the foreign exchange's
# coordinator asked for, finished.


def _reports(main: Any, foreign: Any, ids: dict[str, Any]) -> None:
    from coil.reports import jobs as report_jobs
    from coil.reports import services as reports
    from coil.reports.figures import Filters

    def export(coordinator: Any) -> int:
        filters = Filters(coordinator.institution_id)
        return reports.request_export(coordinator, filters, "csv", "en").id

    ids["rjob"] = export(main.coordinators["nl"])
    ids["fjob"] = export(foreign.coordinators["nl"])
    db.session.commit()
    report_jobs.run_pending()


# -- credentials (tests/authorization/test_credentials.py) ---------------------------------------
# ``badge``/``fbadge`` an approved badge of the exchange (issued by Lena's NL institution, so
# Cora decides and revokes) and of the foreign one (Pieter's); ``pversion``/``fpversion`` a
# version waiting for approval in each; ``award``/``faward`` Anna's and the foreign Anna's
# awards (``uid`` the public identifier of Anna's); ``bversion`` the approved version;
# ``kid`` the NL institution's signing key; Anna's ``rentry`` is her award's public evidence.


def _credentials(main: Any, foreign: Any, ids: dict[str, Any]) -> None:
    from coil.credentials import keys
    from coil.credentials import services as credentials
    from coil.credentials.models import AwardEvidence

    def badge(lecturer: Any, coordinator: Any, exchange: Any, name: str) -> Any:
        data = credentials.BadgeData(
            name=name,
            description="Worked across borders.",
            criteria="Take part.",
            ects=1.0,
            assessment_type="Portfolio",
            quality_assurance="Institutional",
            learning_outcomes=["Collaborates across cultures."],
            rules=[{"kind": "sessions", "min": 1}],
        )
        made = credentials.create_badge(lecturer, exchange, data)
        if coordinator is not None:
            credentials.decide(coordinator, made.latest, approve=True)
        return made

    ours = badge(main["lena"], main["cora"], main.exchange, "Collaborator")
    theirs = badge(foreign["pieter"], foreign["coord"], foreign.exchange, "Foreign")
    ids["badge"], ids["fbadge"], ids["bversion"] = ours.id, theirs.id, ours.latest.id
    ids["pversion"] = badge(main["lena"], None, main.exchange, "Pending").latest.id
    ids["fpversion"] = badge(foreign["pieter"], None, foreign.exchange, "Pending").latest.id
    award = credentials.award(ours.latest, main["anna"].id, main.exchange)
    faward = credentials.award(theirs.latest, foreign["anna"].id, foreign.exchange)
    assert award is not None and faward is not None
    ids["award"], ids["uid"], ids["faward"] = award.id, award.uid, faward.id
    # Anna made her reflection public as the badge's evidence (``rentry``, see reflections)
    db.session.add(AwardEvidence(award_id=award.id, entry_id=ids["rentry"]))
    ids["kid"] = keys.signing_key(ours.institution).kid
    keys.signing_key(theirs.institution)
