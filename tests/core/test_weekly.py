"""Weekly slots to UTC quarter-hour masks: hand-checked examples and properties against a
brute-force oracle that walks every UTC quarter and asks zoneinfo for its local time. Then class
meetings to the minute in the frames of their local weeks (the matching engine's arithmetic; its
own oracle, which walks every teaching day, lives in tests/courses/matching)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from coil.core.weekly import (
    FRAME_MINUTES,
    QUARTERS_PER_DAY,
    QUARTERS_PER_WEEK,
    SharedInterval,
    WeeklySlot,
    WeekRun,
    availability_mask,
    describe_frame,
    describe_overlap,
    format_interval,
    frame_offsets,
    frame_start,
    local_week_meetings,
    longest_run,
    merge_intervals,
    monday_of,
    occurrence_quarters,
    offsets_within,
    overlap_weeks,
    runs,
    shared_minutes,
    teaching_weeks,
    touched_quarters,
    typical_minutes,
    week_index,
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


class TestSharedMinutes:
    def test_amsterdam_new_york_between_the_two_clock_changes(self) -> None:
        # 2025: New York changes on 9 March, Amsterdam on 30 March. Amsterdam Tue 15:00-17:00 and
        # New York Tue 09:00-11:00 are both 14:00-16:00 UTC in winter and 13:00-15:00 UTC in
        # summer; in the three weeks between the changes New York is at 13:00-15:00 UTC while
        # Amsterdam is still at 14:00-16:00: one shared hour.
        first, last = date(2025, 2, 24), date(2025, 4, 11)
        ams = week_masks([slot(1, "15:00", "17:00", AMS)], first, last)
        nyc = week_masks([slot(1, "09:00", "11:00", NYC)], first, last)
        assert shared_minutes(ams, nyc) == {
            date(2025, 2, 24): 120,
            date(2025, 3, 3): 120,
            date(2025, 3, 10): 60,
            date(2025, 3, 17): 60,
            date(2025, 3, 24): 60,
            date(2025, 3, 31): 120,
            date(2025, 4, 7): 120,
        }
        assert typical_minutes(shared_minutes(ams, nyc)) == 120

    def test_amsterdam_mexico_city_which_keeps_standard_time(self) -> None:
        # Mexico City has had no summer time since 2022: UTC-6 all year. Amsterdam Tue
        # 14:00-15:30 CET = 13:00-14:30 UTC = 07:00-08:30 in Mexico City; from 30 March
        # Amsterdam's class is 12:00-13:30 UTC and only 13:00-13:30 UTC is shared.
        first, last = date(2025, 3, 3), date(2025, 4, 11)
        ams = week_masks([slot(1, "14:00", "15:30", AMS)], first, last)
        mex = week_masks([slot(1, "07:00", "08:30", MEX)], first, last)
        shared = shared_minutes(ams, mex)
        assert list(shared.values()) == [90, 90, 90, 90, 30, 30]
        assert typical_minutes(shared) == 90
        # New York Tue 08:00-09:30 is 13:00-14:30 UTC until 9 March, then 12:00-13:30 UTC.
        nyc = week_masks([slot(1, "08:00", "09:30", NYC)], first, last)
        assert list(shared_minutes(nyc, mex).values()) == [90, 30, 30, 30, 30, 30]

    @pytest.mark.parametrize(
        ("zone", "weekday", "local", "amsterdam", "expected"),
        [
            # Sydney (AEDT, UTC+11 until 4 April 2027) Mon 18:00-20:00 = 07:00-09:00 UTC;
            # Amsterdam Mon 08:30-10:30 CET = 07:30-09:30 UTC.
            ("Australia/Sydney", 0, ("18:00", "20:00"), ("08:30", "10:30"), 90),
            # Johannesburg (SAST, UTC+2, no summer time) Thu 10:00-12:00 = 08:00-10:00 UTC.
            ("Africa/Johannesburg", 3, ("10:00", "12:00"), ("09:00", "11:00"), 120),
            # Sao Paulo (UTC-3, no summer time since 2019) Wed 08:00-10:00 = 11:00-13:00 UTC.
            ("America/Sao_Paulo", 2, ("08:00", "10:00"), ("12:30", "14:00"), 90),
            # Auckland (NZDT, UTC+13 until 4 April 2027) Tue 20:00-22:00 = 07:00-09:00 UTC.
            ("Pacific/Auckland", 1, ("20:00", "22:00"), ("08:00", "09:00"), 60),
        ],
    )
    def test_southern_summer_term_across_the_new_year(
        self,
        zone: str,
        weekday: int,
        local: tuple[str, str],
        amsterdam: tuple[str, str],
        expected: int,
    ) -> None:
        south = week_masks([slot(weekday, *local, zone)], date(2026, 11, 16), date(2027, 3, 5))
        europe = week_masks([slot(weekday, *amsterdam, AMS)], date(2026, 9, 7), date(2027, 1, 29))
        shared = shared_minutes(south, europe)
        # Every common week, in both 2026 and 2027, shares the same time: neither side changes
        # its clocks between November and March.
        assert min(shared) == date(2026, 11, 16)
        assert max(shared) == date(2027, 1, 25)
        assert set(shared.values()) == {expected}
        assert len(shared) == 11

    def test_southern_term_against_european_summer_time(self) -> None:
        # Johannesburg keeps UTC+2; Amsterdam moves from UTC+1 to UTC+2 on 28 March 2027, so the
        # same Thursday classes share two hours until then and one hour afterwards.
        first, last = date(2027, 3, 1), date(2027, 4, 16)
        jnb = week_masks([slot(3, "10:00", "12:00", "Africa/Johannesburg")], first, last)
        ams = week_masks([slot(3, "09:00", "11:00", AMS)], first, last)
        assert list(shared_minutes(jnb, ams).values()) == [120, 120, 120, 120, 60, 60, 60]

    @settings(max_examples=40, deadline=None)
    @given(
        zones=st.tuples(st.sampled_from(ZONES), st.sampled_from(ZONES)),
        starts=st.tuples(st.integers(6 * 4, 18 * 4), st.integers(6 * 4, 18 * 4)),
        lengths=st.tuples(st.integers(1, 16), st.integers(1, 16)),
        weekdays=st.tuples(st.integers(0, 6), st.integers(0, 6)),
        first=st.dates(date(2025, 1, 1), date(2027, 12, 31)),
        days=st.integers(0, 120),
    )
    def test_symmetric_and_bounded(
        self,
        zones: tuple[str, str],
        starts: tuple[int, int],
        lengths: tuple[int, int],
        weekdays: tuple[int, int],
        first: date,
        days: int,
    ) -> None:
        last = first + timedelta(days=days)
        a, b = (
            week_masks(
                [WeeklySlot(w, time(s // 4, s % 4 * 15), time((s + n) // 4, (s + n) % 4 * 15), z)],
                first,
                last,
            )
            for z, s, n, w in zip(zones, starts, lengths, weekdays, strict=True)
        )
        ab, ba = shared_minutes(a, b), shared_minutes(b, a)
        assert ab == ba
        for week, minutes in ab.items():
            assert 0 <= minutes <= min(a[week].bit_count(), b[week].bit_count()) * 15
        assert typical_minutes(ab) in ({0} if not ab else set(ab.values()))


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

    def test_a_blocked_week_on_one_side_breaks_the_run(self) -> None:
        a = teaching_weeks(
            date(2026, 3, 2), date(2026, 5, 29), [(date(2026, 4, 27), date(2026, 5, 1))]
        )
        b = teaching_weeks(
            date(2026, 2, 9), date(2026, 6, 26), [(date(2026, 3, 30), date(2026, 4, 3))]
        )
        overlap = overlap_weeks(a, b)
        assert len(overlap.common) == 11
        # 2 Mar-27 Mar (4), 6 Apr-24 Apr (3), 4 May-29 May (4): the earliest of the longest.
        assert overlap.longest == WeekRun(date(2026, 3, 2), 4)
        assert overlap.longest.last == date(2026, 3, 23)

    def test_no_common_weeks(self) -> None:
        a = teaching_weeks(date(2026, 3, 2), date(2026, 3, 27))
        b = teaching_weeks(date(2026, 9, 7), date(2026, 12, 18))
        assert overlap_weeks(a, b).longest is None

    def test_runs_and_longest_run(self) -> None:
        assert runs(0b1101110) == [(1, 4), (5, 7)]
        assert longest_run(0b1101110) == (1, 3)
        assert longest_run(0b111011) == (3, 3)
        assert longest_run(0b11011) == (0, 2)
        assert longest_run(0) == (0, 0)

    @given(st.integers(0, (1 << 80) - 1))
    def test_longest_run_is_the_longest_of_runs(self, bits: int) -> None:
        found = runs(bits)
        longest = max((end - start for start, end in found), default=0)
        start, length = longest_run(bits)
        assert length == longest
        if found:
            assert (start, start + length) == next(r for r in found if r[1] - r[0] == longest)


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
