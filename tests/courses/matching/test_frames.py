"""Class meetings to the minute in the frames of their local weeks (the matching engine's
arithmetic; its own oracle, which walks every teaching day, is tests/courses/matching/oracle.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coil.core.weekly import (
    WeeklySlot,
    monday_of,
    week_index,
)
from coil.courses.matching.frames import (
    FRAME_MINUTES,
    describe_frame,
    frame_offsets,
    frame_start,
    local_week_meetings,
    merge_intervals,
    offsets_within,
    touched_quarters,
)
from tests.core.test_weekly import AMS, ZONES, slot  # the zones with unusual rules


class TestLocalWeekMeetings:
    def test_a_monday_morning_class_in_tokyo_stays_in_its_week_and_in_one_piece(self) -> None:
        # Mon 08:30-10:00 JST is Sun 23:30 to Mon 01:00 UTC: minutes 1410 to 1500 of the frame
        # that starts on the Sunday before Monday 00:00 UTC.
        monday = date(2026, 2, 23)
        meetings = local_week_meetings(
            [slot(0, "08:30", "10:00", "Asia/Tokyo")], monday, date(2026, 3, 6), (), {monday}
        )
        assert meetings == {week_index(monday): ((1410, 1500),)}
        assert frame_start(monday) == datetime(2026, 2, 22, tzinfo=UTC)

    def test_blocked_days_weeks_and_merging(self) -> None:
        # Tue 14:00-15:30 and 15:00-16:00 CET merge; Tuesday 10 March is blocked; the week of
        # 16 March is not asked for.
        first = date(2026, 3, 2)
        meetings = local_week_meetings(
            [slot(1, "14:00", "15:30", AMS), slot(1, "15:00", "16:00", AMS)],
            first,
            date(2026, 3, 20),
            [(date(2026, 3, 10), date(2026, 3, 10))],
            {date(2026, 3, 2), date(2026, 3, 9)},
        )
        tuesday = 2 * 1440 + 13 * 60  # Tue 13:00 UTC
        assert meetings == {week_index(first): ((tuesday, tuesday + 120),)}

    @pytest.mark.parametrize(
        ("zone", "weekday", "start", "end", "minutes"),
        [
            # UTC+14: Monday 00:00 is Sunday 10:00 UTC.
            ("Etc/GMT-14", 0, "00:00", "00:01", (600, 601)),
            # UTC-12: Sunday 23:59 is the next Monday 11:59 UTC.
            ("Etc/GMT+12", 6, "23:58", "23:59", (8 * 1440 + 718, 8 * 1440 + 719)),
        ],
    )
    def test_the_frame_holds_every_zones_week(
        self, zone: str, weekday: int, start: str, end: str, minutes: tuple[int, int]
    ) -> None:
        monday = date(2026, 3, 2)
        meetings = local_week_meetings(
            [slot(weekday, start, end, zone)], monday, monday + timedelta(days=6), (), {monday}
        )
        assert meetings == {week_index(monday): (minutes,)}
        assert 0 <= minutes[0] < minutes[1] <= FRAME_MINUTES

    @settings(max_examples=60, deadline=None)
    @given(
        zone=st.sampled_from(ZONES),
        day=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
        start=st.integers(0, 1438),
        length=st.integers(1, 600),
    )
    def test_minutes_and_local_times_agree_with_zoneinfo(
        self, zone: str, day: date, start: int, length: int
    ) -> None:
        end = min(start + length, 1439)
        s = WeeklySlot(
            day.weekday(), time(start // 60, start % 60), time(end // 60, end % 60), zone
        )
        monday = monday_of(day)
        found = local_week_meetings([s], day, day, (), {monday})
        tz = ZoneInfo(zone)
        utc_start = datetime.combine(day, s.start, tzinfo=tz).astimezone(UTC)
        utc_end = datetime.combine(day, s.end, tzinfo=tz).astimezone(UTC)
        if utc_end <= utc_start:  # a skipped hour read with fold=0
            assert found == {}
            return
        ((first, last),) = found[week_index(monday)]
        origin = frame_start(monday)
        assert origin + timedelta(minutes=first) == utc_start
        assert origin + timedelta(minutes=last) == utc_end
        offsets = frame_offsets(zone, monday)
        (back,) = describe_frame([(first, last)], offsets, offsets, monday)
        assert back.a_start == utc_start.astimezone(tz).replace(tzinfo=None)
        assert back.a_end == (utc_end - timedelta(minutes=1)).astimezone(tz).replace(
            tzinfo=None
        ) + timedelta(minutes=1)
        assert back.minutes == last - first

    def test_offsets_of_a_clock_change_in_the_frame(self) -> None:
        # The frame of the week of 24 March 2025 starts on Sunday 23 March 00:00 UTC; Amsterdam
        # changed at 01:00 UTC on Sunday 30 March, 7 days and an hour later.
        steps = frame_offsets(AMS, date(2025, 3, 24))
        assert steps == ((0, 60), (7 * 1440 + 60, 120))
        # A week whose classes are over before the change sees one offset.
        assert offsets_within(steps, 2 * 1440, 3 * 1440) == ((0, 60),)
        assert offsets_within(steps, 7 * 1440, 8 * 1440) == ((0, 60), (7 * 1440 + 60, 120))
        # Lord Howe goes back half an hour on 5 April 2026 at 02:00 LHDT (Saturday 15:00 UTC).
        assert frame_offsets("Australia/Lord_Howe", date(2026, 3, 30)) == (
            (0, 660),
            (7 * 1440 - 9 * 60, 630),
        )

    def test_intervals_and_quarters(self) -> None:
        assert merge_intervals([(30, 40), (0, 10), (10, 20), (35, 50), (60, 60)]) == (
            (0, 20),
            (30, 50),
        )
        # Touched quarters round outwards: 10-20 touches quarters 0 and 1.
        assert touched_quarters([(10, 20)]) == 0b11
        assert touched_quarters([(15, 30), (45, 46)]) == 0b1010
