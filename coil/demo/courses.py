"""Demo data: the courses the demo lecturers teach, each with its real academic calendar.

Plain data for ``coil.demo``, which creates each course for its owner if it is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time, timedelta

from coil.courses.services import CourseData, Meeting


@dataclass(frozen=True)
class DemoCourse:
    """One demo course, owned by the lecturer with ``owner`` as e-mail."""

    owner: str
    data: CourseData


def _m(weekday: int, start: str, end: str) -> Meeting:
    return Meeting(weekday, time.fromisoformat(start), time.fromisoformat(end))


# Real calendars: Dutch semester 2 from February, the Mexican January-May semester with Semana
# Santa, an Indonesian even semester, a South African first semester, and an Australian summer
# term across the new year. Meeting times make the DST change of late March visible.
COURSES = (
    DemoCourse(
        "pieter@amstelland.example",
        CourseData(
            title="Consumer Behaviour",
            timezone="Europe/Amsterdam",
            first_day=date(2027, 2, 8),
            last_day=date(2027, 6, 25),
            blocked_periods=[
                (date(2027, 2, 15), date(2027, 2, 19)),
            ],
            meetings=[_m(1, "14:00", "15:30"), _m(3, "15:00", "17:00")],
            working_languages=[("en", "B2")],
            instruction_languages=["nl", "en"],
            isced_codes=["0414"],
            eqf_level=6,
            expected_students=28,
            exchange_weeks=6,
            sync_hours_per_week=1.5,
            sdgs=[8, 12],
            preferred_regions=["419"],
            outcome_tags=["intercultural communication", "market research", "sustainability"],
            description="Second-year bachelor course: why consumers in different countries "
            "choose what they buy, and what that means for a sustainable product.",
            learning_outcomes="Analyse a foreign market; plan an entry strategy; work in an "
            "intercultural team.",
            discipline_preference="same",
            status="open",
        ),
    ),
    DemoCourse(
        "carlos@utvalle.example",
        CourseData(
            title="Consumer Insights",
            timezone="America/Mexico_City",
            first_day=date(2027, 1, 18),
            last_day=date(2027, 5, 21),
            blocked_periods=[(date(2027, 3, 22), date(2027, 3, 26))],
            meetings=[_m(1, "07:00", "08:30"), _m(3, "08:00", "10:00")],
            working_languages=[("en", "B2"), ("es", "B2")],
            instruction_languages=["es"],
            isced_codes=["0414"],
            eqf_level=6,
            expected_students=35,
            exchange_weeks=6,
            sync_hours_per_week=1.5,
            sdgs=[8, 12, 17],
            outcome_tags=["market research", "intercultural communication"],
            description="Students compare consumer behaviour across countries and build a "
            "marketing plan with a partner class.",
            discipline_preference="same",
            status="open",
        ),
    ),
    DemoCourse(
        "budi@nusantara.example",
        CourseData(
            title="Digital Marketing in Southeast Asia",
            timezone="Asia/Jakarta",
            first_day=date(2027, 2, 15),
            last_day=date(2027, 6, 11),
            # Tuesday evening in Surabaya is Tuesday afternoon in Amsterdam: one shared hour in
            # winter, an hour and a half once Europe moves to summer time (Indonesia does not).
            meetings=[_m(1, "19:00", "21:00")],
            working_languages=[("en", "B2")],
            instruction_languages=["id", "en"],
            isced_codes=["0414"],
            eqf_level=6,
            expected_students=30,
            exchange_weeks=6,
            sync_hours_per_week=1.5,
            sdgs=[8, 9],
            outcome_tags=["market research", "digital marketing"],
            description="Third-year course: campaigns for small Indonesian brands online.",
            discipline_preference="same",
            status="open",
        ),
    ),
    DemoCourse(
        "johan@tablebay.example",
        CourseData(
            title="Marketing Principles",
            timezone="Africa/Johannesburg",
            first_day=date(2027, 2, 1),
            last_day=date(2027, 6, 4),
            # Monday mornings: no class hour shared with Amsterdam's Tuesday and Thursday
            # afternoons, and a first-year level: a weak match for Consumer Behaviour.
            meetings=[_m(0, "08:00", "10:00")],
            working_languages=[("en", "B2")],
            instruction_languages=["en"],
            isced_codes=["0414"],
            eqf_level=5,
            expected_students=60,
            exchange_weeks=6,
            sync_hours_per_week=1.0,
            sdgs=[8],
            outcome_tags=["market research"],
            discipline_preference="same",
            status="open",
        ),
    ),
    DemoCourse(
        "fatima@amstelland.example",
        CourseData(
            title="Social Work in a Diverse Society",
            timezone="Europe/Amsterdam",
            first_day=date(2027, 2, 8),
            last_day=date(2027, 6, 25),
            blocked_periods=[(date(2027, 2, 15), date(2027, 2, 19))],
            meetings=[_m(2, "13:00", "15:00")],
            working_languages=[("en", "B2")],
            instruction_languages=["nl"],
            isced_codes=["0923"],
            eqf_level=6,
            expected_students=22,
            exchange_weeks=5,
            sync_hours_per_week=1.0,
            sdgs=[5, 10],
            outcome_tags=["diversity", "community work"],
            discipline_preference="any",
            description="How social workers meet clients from many backgrounds.",
            status="open",
        ),
    ),
    DemoCourse(
        "mariana@utvalle.example",
        CourseData(
            title="Software Engineering Project",
            timezone="America/Mexico_City",
            first_day=date(2027, 1, 18),
            last_day=date(2027, 5, 21),
            meetings=[_m(0, "09:00", "11:00")],
            working_languages=[("en", "B1"), ("es", "B2")],
            isced_codes=["0613"],
            eqf_level=6,
            expected_students=30,
            exchange_weeks=8,
            sync_hours_per_week=2.0,
            sdgs=[9],
            outcome_tags=["agile", "teamwork"],
            discipline_preference="same",
            status="open",
        ),
    ),
    DemoCourse(
        "budi@nusantara.example",
        CourseData(
            title="Sustainable Tourism Management",
            timezone="Asia/Jakarta",
            first_day=date(2027, 2, 15),
            last_day=date(2027, 6, 11),
            meetings=[_m(2, "15:00", "17:00")],
            working_languages=[("en", "B2")],
            instruction_languages=["id", "en"],
            isced_codes=["1015"],
            eqf_level=6,
            expected_students=40,
            exchange_weeks=6,
            sync_hours_per_week=1.5,
            sdgs=[8, 12, 14],
            outcome_tags=["sustainability", "tourism", "intercultural communication"],
            discipline_preference="different",
            status="open",
        ),
    ),
    DemoCourse(
        "johan@tablebay.example",
        CourseData(
            title="Business Communication Across Cultures",
            timezone="Africa/Johannesburg",
            first_day=date(2027, 2, 1),
            last_day=date(2027, 6, 4),
            blocked_periods=[(date(2027, 3, 29), date(2027, 4, 2))],
            meetings=[_m(1, "14:00", "16:00")],
            working_languages=[("en", "B2")],
            instruction_languages=["en"],
            isced_codes=["0413"],
            eqf_level=6,
            expected_students=45,
            exchange_weeks=6,
            sync_hours_per_week=1.5,
            sdgs=[8, 10],
            outcome_tags=["intercultural communication", "negotiation"],
            discipline_preference="any",
            status="open",
        ),
    ),
    DemoCourse(
        "liam@harbourcity.example",
        CourseData(
            title="Global Marketing Strategy",
            timezone="Australia/Sydney",
            first_day=date(2026, 11, 23),
            last_day=date(2027, 2, 26),
            blocked_periods=[(date(2026, 12, 21), date(2027, 1, 8))],
            meetings=[_m(0, "17:00", "19:00")],
            working_languages=[("en", "C1")],
            instruction_languages=["en"],
            isced_codes=["0414"],
            eqf_level=7,
            expected_students=18,
            exchange_weeks=6,
            sync_hours_per_week=1.0,
            sdgs=[12],
            outcome_tags=["market research"],
            discipline_preference="same",
            status="open",
        ),
    ),
)


def live_courses(today: date) -> tuple[DemoCourse, DemoCourse]:
    """Return the two marketing courses of the running exchange, teaching around ``today``: the
    exchange started about six weeks before the demo was loaded and ends about ten days after."""
    monday = today - timedelta(days=today.weekday())
    first, last = monday - timedelta(weeks=9), monday + timedelta(weeks=8, days=4)
    return (
        DemoCourse(
            "pieter@amstelland.example",
            CourseData(
                title="International Marketing",
                timezone="Europe/Amsterdam",
                first_day=first,
                last_day=last,
                meetings=[_m(1, "14:00", "15:30"), _m(3, "15:00", "17:00")],
                working_languages=[("en", "B2")],
                instruction_languages=["nl", "en"],
                isced_codes=["0414"],
                eqf_level=6,
                expected_students=28,
                exchange_weeks=6,
                sync_hours_per_week=1.5,
                sdgs=[8, 12],
                preferred_regions=["419"],
                outcome_tags=["intercultural communication", "market research", "sustainability"],
                description="Second-year bachelor course: students research a foreign market and "
                "write an entry plan for a sustainable product.",
                learning_outcomes="Analyse a foreign market; plan an entry strategy; work in an "
                "intercultural team.",
                discipline_preference="same",
                status="open",
            ),
        ),
        DemoCourse(
            "carlos@utvalle.example",
            CourseData(
                title="Global Marketing",
                timezone="America/Mexico_City",
                first_day=first,
                last_day=last,
                meetings=[_m(1, "07:00", "08:30"), _m(3, "08:00", "10:00")],
                working_languages=[("en", "B2"), ("es", "B2")],
                instruction_languages=["es"],
                isced_codes=["0414"],
                eqf_level=6,
                expected_students=35,
                exchange_weeks=6,
                sync_hours_per_week=1.5,
                sdgs=[8, 12, 17],
                outcome_tags=["market research", "intercultural communication"],
                description="Students compare consumer behaviour across countries and build a "
                "marketing plan with a partner class.",
                discipline_preference="same",
                status="open",
            ),
        ),
    )
