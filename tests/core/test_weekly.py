"""Weekly slots to UTC quarter-hour masks: hand-checked examples and properties against a
brute-force oracle that walks every UTC quarter and asks zoneinfo for its local time. (Class
meetings to the minute, for matching, are tested in tests/courses/matching/test_frames.py.)"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coil.core.weekly import (
    QUARTERS_PER_DAY,
    QUARTERS_PER_WEEK,
    SharedInterval,
    WeeklySlot,
    availability_mask,
    describe_overlap,
    format_interval,
    monday_of,
    occurrence_quarters,
    runs,
    teaching_weeks,
    week_masks,
    week_offsets,
)

AMS, NYC, MEX = "Europe/Amsterdam", "America/New_York", "America/Mexico_City"
SOUTH = ("Australia/Sydney", "Africa/Johannesburg", "America/Sao_Paulo", "Pacific/Auckland")
# Zones with unusual rules: half-hour and 45-minute offsets, a 30-minute clock change.
ZONES = (
    AMS,
    NYC,
    MEX,
    *SOUTH,
    "Asia/Kathmandu",
    "Australia/Adelaide",
    "Australia/Lord_Howe",
    "Pacific/Chatham",
    "Asia/Tokyo",
    "Europe/London",
    "America/Santiago",
)


def slot(weekday: int, start: str, end: str, tz: str) -> WeeklySlot:
    return WeeklySlot(weekday, time.fromisoformat(start), time.fromisoformat(end), tz)


def quarters(day: int, start: str, end: str) -> int:
    """Mask of UTC quarters [start, end) on weekday ``day`` (0 = Monday) of a UTC week."""
    first = day * QUARTERS_PER_DAY + _q(start)
    return ((1 << (day * QUARTERS_PER_DAY + _q(end) - first)) - 1) << first


def _q(clock: str) -> int:
    hours, minutes = map(int, clock.split(":"))
    return hours * 4 + minutes // 15


def oracle_masks(
    slots: list[WeeklySlot], first_day: date, last_day: date, skip: frozenset[date] = frozenset()
) -> dict[date, int]:
    """Recompute week_masks by walking every UTC quarter near the range (slow, independent)."""
    masks: dict[date, int] = {}
    start = datetime.combine(monday_of(first_day) - timedelta(days=7), time(), tzinfo=UTC)
    stop = datetime.combine(monday_of(last_day) + timedelta(days=14), time(), tzinfo=UTC)
    quarter = timedelta(minutes=15)
    moment = start
    while moment < stop:
        for s in slots:
            zone = ZoneInfo(s.tz)
            local_start = moment.astimezone(zone).replace(tzinfo=None)
            local_end = (moment + quarter).astimezone(zone).replace(tzinfo=None)
            day = local_start.date()
            opens = datetime.combine(day, s.start)
            closes = datetime.combine(day, s.end)
            if (
                day.weekday() == s.weekday
                and first_day <= day <= last_day
                and monday_of(day) not in skip
                and opens <= local_start
                and local_end <= closes
            ):
                monday = monday_of(moment.date())
                index = (moment - datetime.combine(monday, time(), tzinfo=UTC)) // quarter
                masks[monday] = masks.get(monday, 0) | (1 << index)
        moment += quarter
    return dict(sorted(masks.items()))


class TestWeeklySlot:
    def test_rejects_overnight_slot(self) -> None:
        with pytest.raises(ValueError, match="midnight"):
            slot(0, "22:00", "01:00", AMS)

    def test_rejects_empty_slot(self) -> None:
        with pytest.raises(ValueError, match="not after it starts"):
            slot(0, "10:00", "10:00", AMS)

    def test_rejects_unknown_zone(self) -> None:
        with pytest.raises(ValueError, match="unknown time zone 'Europe/Atlantis'"):
            slot(0, "10:00", "11:00", "Europe/Atlantis")

    @pytest.mark.parametrize("weekday", [-1, 7])
    def test_rejects_bad_weekday(self, weekday: int) -> None:
        with pytest.raises(ValueError, match="weekday"):
            slot(weekday, "10:00", "11:00", AMS)


class TestWeekMasks:
    def test_winter_tuesday_in_amsterdam(self) -> None:
        # CET is UTC+1: Tue 14:00-15:30 is 13:00-14:30 UTC.
        masks = week_masks([slot(1, "14:00", "15:30", AMS)], date(2025, 3, 3), date(2025, 3, 9))
        assert masks == {date(2025, 3, 3): quarters(1, "13:00", "14:30")}

    def test_partial_quarters_are_dropped(self) -> None:
        # 09:10-10:05 CET is 08:10-09:05 UTC; only 08:15-09:00 is fully covered.
        masks = week_masks([slot(0, "09:10", "10:05", AMS)], date(2025, 3, 3), date(2025, 3, 3))
        assert masks == {date(2025, 3, 3): quarters(0, "08:15", "09:00")}

    def test_occurrence_split_across_the_utc_week_boundary(self) -> None:
        # Monday 10:00-12:00 in Sydney (AEDT, UTC+11) is Sunday 23:00 to Monday 01:00 UTC.
        masks = week_masks(
            [slot(0, "10:00", "12:00", "Australia/Sydney")], date(2026, 11, 16), date(2026, 11, 16)
        )
        assert masks == {
            date(2026, 11, 9): quarters(6, "23:00", "24:00"),
            date(2026, 11, 16): quarters(0, "00:00", "01:00"),
        }

    def test_range_and_skipped_weeks(self) -> None:
        masks = week_masks(
            [slot(2, "10:00", "11:00", AMS)],
            date(2025, 3, 6),  # a Thursday: that week's Wednesday is outside the range
            date(2025, 3, 26),
            skip_weeks={date(2025, 3, 17)},
        )
        assert list(masks) == [date(2025, 3, 10), date(2025, 3, 24)]
        # Summer time started on 30 March 2025, after the last occurrence: all at UTC+1.
        assert set(masks.values()) == {quarters(2, "09:00", "10:00")}

    def test_skipped_local_time_uses_the_offset_before_the_change(self) -> None:
        # 02:30 does not exist in Amsterdam on 30 March 2025; fold=0 reads it as 02:30 CET,
        # 01:30 UTC. 04:00 is CEST, 02:00 UTC. Etc/GMT-1 is UTC+1 all year.
        assert occurrence_quarters(slot(6, "02:30", "04:00", AMS), date(2025, 3, 30)) == (
            occurrence_quarters(slot(6, "02:30", "03:00", "Etc/GMT-1"), date(2025, 3, 30))
        )

    @settings(max_examples=60, deadline=None)
    @given(
        zone=st.sampled_from(ZONES),
        weekday=st.integers(0, 6),
        start=st.integers(6 * 4, 20 * 4),
        length=st.integers(1, 8 * 4),
        first=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
        days=st.integers(0, 40),
        minute_offset=st.sampled_from([0, 0, 5, 10]),
    )
    def test_matches_the_oracle(
        self,
        zone: str,
        weekday: int,
        start: int,
        length: int,
        first: date,
        days: int,
        minute_offset: int,
    ) -> None:
        # Local times between 06:00 and 22:00: no zone changes its clocks then.
        end = min(start + length, 22 * 4)
        s = WeeklySlot(
            weekday,
            time(start // 4, start % 4 * 15 + minute_offset),
            time(end // 4, end % 4 * 15),
            zone,
        )
        if s.end <= s.start:
            return
        last = first + timedelta(days=days)
        assert week_masks([s], first, last) == oracle_masks([s], first, last)

    @settings(max_examples=60, deadline=None)
    @given(
        zone=st.sampled_from(ZONES),
        day=st.dates(date(2024, 1, 1), date(2028, 12, 31)),
        start=st.integers(6 * 4, 20 * 4),
        length=st.integers(1, 8 * 4),
    )
    def test_round_trip_to_local_time(self, zone: str, day: date, start: int, length: int) -> None:
        end = min(start + length, 22 * 4)
        s = WeeklySlot(
            day.weekday(), time(start // 4, start % 4 * 15), time(end // 4, end % 4 * 15), zone
        )
        masks = week_masks([s], day, day)
        back = []
        for monday, mask in masks.items():
            back += [(i.a_start, i.a_end) for i in describe_overlap(mask, zone, "UTC", monday)]
        # An occurrence split at Monday 00:00 UTC comes back as two touching pieces.
        merged = [back[0]]
        for piece in back[1:]:
            if piece[0] == merged[-1][1]:
                merged[-1] = (merged[-1][0], piece[1])
            else:
                merged.append(piece)
        assert merged == [(datetime.combine(day, s.start), datetime.combine(day, s.end))]


class TestDescribe:
    def test_amsterdam_mexico_city_in_local_times(self) -> None:
        monday = date(2025, 3, 3)
        (interval,) = describe_overlap(quarters(1, "13:00", "14:30"), AMS, MEX, monday)
        assert interval == SharedInterval(
            datetime(2025, 3, 4, 13, tzinfo=UTC),
            datetime(2025, 3, 4, 14, 30, tzinfo=UTC),
            datetime(2025, 3, 4, 14),
            datetime(2025, 3, 4, 15, 30),
            datetime(2025, 3, 4, 7),
            datetime(2025, 3, 4, 8, 30),
        )
        assert interval.minutes == 90
        assert format_interval(interval, AMS, MEX) == (
            "Tue 14:00 to 15:30 in Europe/Amsterdam is 07:00 to 08:30 in America/Mexico_City"
        )

    def test_the_other_day_is_named_when_it_differs(self) -> None:
        (interval,) = describe_overlap(
            quarters(0, "07:00", "08:00"), "Australia/Sydney", NYC, date(2027, 1, 11)
        )
        assert format_interval(interval, "Australia/Sydney", NYC) == (
            "Mon 18:00 to 19:00 in Australia/Sydney is 02:00 to 03:00 in America/New_York"
        )
        (interval,) = describe_overlap(
            quarters(0, "21:00", "22:00"), "Australia/Sydney", NYC, date(2027, 1, 11)
        )
        assert format_interval(interval, "Australia/Sydney", NYC) == (
            "Tue 08:00 to 09:00 in Australia/Sydney is Mon 16:00 to 17:00 in America/New_York"
        )

    def test_offsets_of_a_clock_change_week(self) -> None:
        # Amsterdam changed at 01:00 UTC on Sunday 30 March 2025: quarter 6 * 96 + 4.
        assert week_offsets(AMS, date(2025, 3, 24)) == ((0, 60), (580, 120))
        assert week_offsets(MEX, date(2025, 3, 24)) == ((0, -360),)
        # Lord Howe goes back half an hour at 02:00 LHDT on 4 April 2027: Saturday 15:00 UTC.
        assert week_offsets("Australia/Lord_Howe", date(2027, 3, 29)) == ((0, 660), (540, 630))

    @settings(max_examples=40, deadline=None)
    @given(
        zone=st.sampled_from(ZONES),
        monday=st.dates(date(2024, 1, 1), date(2028, 12, 31)).map(monday_of),
        bits=st.integers(1, (1 << QUARTERS_PER_WEEK) - 1),
    )
    def test_local_times_agree_with_zoneinfo(self, zone: str, monday: date, bits: int) -> None:
        for interval in describe_overlap(bits, zone, "UTC", monday):
            assert interval.b_start == interval.utc_start.replace(tzinfo=None)
            assert interval.a_start == interval.utc_start.astimezone(ZoneInfo(zone)).replace(
                tzinfo=None
            )


class TestWeeks:
    def test_teaching_weeks_need_three_teaching_days(self) -> None:
        weeks = teaching_weeks(
            date(2026, 2, 26),  # a Thursday: two days in that week, not a teaching week
            date(2026, 4, 22),  # a Wednesday: three days, a teaching week
            blocked=[
                (date(2026, 4, 3), date(2026, 4, 6)),  # Good Friday to Easter Monday
                (date(2026, 4, 13), date(2026, 4, 17)),  # exam week
            ],
        )
        assert sorted(weeks) == [
            date(2026, 3, 2),
            date(2026, 3, 9),
            date(2026, 3, 16),
            date(2026, 3, 23),
            date(2026, 3, 30),  # Mon-Thu
            date(2026, 4, 6),  # Tue-Fri
            date(2026, 4, 20),
        ]

    def test_teaching_weeks_validate_dates(self) -> None:
        with pytest.raises(ValueError, match="ends"):
            teaching_weeks(date(2026, 3, 1), date(2026, 2, 1))
        with pytest.raises(ValueError, match="blocked period"):
            teaching_weeks(
                date(2026, 2, 1), date(2026, 3, 1), [(date(2026, 2, 9), date(2026, 2, 2))]
            )

    def test_runs(self) -> None:
        assert runs(0b1101110) == [(1, 4), (5, 7)]
        assert runs(0b111011) == [(0, 2), (3, 6)]
        assert runs(0) == []

    @given(st.integers(0, (1 << 80) - 1))
    def test_runs_cover_exactly_the_set_bits(self, bits: int) -> None:
        rebuilt = 0
        for start, end in runs(bits):
            assert end > start
            rebuilt |= ((1 << (end - start)) - 1) << start
        assert rebuilt == bits


class TestAvailability:
    def test_hours_that_move_with_a_clock_change_drop_out(self) -> None:
        # Mon 18:00-20:00 in Amsterdam is 17:00-19:00 UTC in March and 16:00-18:00 UTC from
        # 30 March 2025: only 17:00-18:00 UTC is free in every week.
        free = [slot(0, "18:00", "20:00", AMS)]
        assert availability_mask(free, date(2025, 3, 17), date(2025, 4, 6)) == quarters(
            0, "17:00", "18:00"
        )
        assert availability_mask(free, date(2025, 3, 19), date(2025, 3, 28)) == quarters(
            0, "17:00", "19:00"
        )

    def test_a_free_hour_on_monday_morning_in_sydney(self) -> None:
        # Mon 09:00-10:00 AEDT is Sunday 22:00-23:00 UTC, in the UTC week before.
        free = [slot(0, "09:00", "10:00", "Australia/Sydney")]
        assert availability_mask(free, date(2026, 11, 18), date(2026, 11, 27)) == quarters(
            6, "22:00", "23:00"
        )
