"""The PPID's clock in working days: weekends, national holidays and joint leave days
(the `holidays` library), and the dates staff add or take back in the admin."""

from datetime import date

import pytest

from ppid.models import ANSWER_WORKING_DAYS, EXTENSION_WORKING_DAYS, Holiday
from ppid.workdays import add_working_days, is_working_day, working_days_between

pytestmark = pytest.mark.django_db


def test_a_request_filed_on_the_friday_before_nyepi_and_lebaran_is_due_on_6_april_2026():
    """13 March 2026 is a Friday. 18-24 March are Nyepi, Idul Fitri and their joint leave
    days; 3 April is Good Friday. Working days: 16, 17, 25, 26, 27, 30, 31 March,
    1, 2 and 6 April."""
    assert date(2026, 3, 13).weekday() == 4
    for day in range(18, 25):
        assert not is_working_day(date(2026, 3, day))
    assert not is_working_day(date(2026, 4, 3))
    assert add_working_days(date(2026, 3, 13), ANSWER_WORKING_DAYS) == date(2026, 4, 6)


def test_the_extension_adds_seven_working_days_to_the_due_date():
    assert add_working_days(date(2026, 4, 6), EXTENSION_WORKING_DAYS) == date(2026, 4, 15)


def test_weekends_are_skipped_and_the_registration_day_never_counts():
    # Monday 4 May 2026: Tuesday is day 1, the next Monday day 5; Ascension Day (14 May)
    # and its joint leave day (15) are off, so day 10 is Wednesday 20 May.
    assert add_working_days(date(2026, 5, 4), 1) == date(2026, 5, 5)
    assert add_working_days(date(2026, 5, 4), 5) == date(2026, 5, 11)
    assert add_working_days(date(2026, 5, 4), ANSWER_WORKING_DAYS) == date(2026, 5, 20)


def test_a_request_filed_on_a_saturday_counts_from_monday():
    # Saturday 9 May 2026 and Friday 8 May give the same due date.
    assert add_working_days(date(2026, 5, 9), 1) == date(2026, 5, 11)
    assert add_working_days(date(2026, 5, 9), ANSWER_WORKING_DAYS) == add_working_days(
        date(2026, 5, 8), ANSWER_WORKING_DAYS
    )


def test_the_clock_crosses_the_year_with_christmas_and_new_year_off():
    """Tuesday 22 December 2026: 24 (joint leave), 25 (Christmas), 1 January and 5 January
    2027 (Isra' Mi'raj) are off. Working days: 23, 28, 29, 30, 31 December, 4, 6, 7, 8
    and 11 January."""
    assert not is_working_day(date(2026, 12, 24))
    assert not is_working_day(date(2027, 1, 1))
    assert not is_working_day(date(2027, 1, 5))
    assert add_working_days(date(2026, 12, 22), ANSWER_WORKING_DAYS) == date(2027, 1, 11)
    assert working_days_between(date(2026, 12, 22), date(2027, 1, 11)) == ANSWER_WORKING_DAYS


def test_a_holiday_staff_add_moves_the_due_date():
    before = add_working_days(date(2026, 7, 1), ANSWER_WORKING_DAYS)
    assert before == date(2026, 7, 15)
    Holiday.objects.create(date=date(2026, 7, 7), name="Hari Jadi Provinsi Jawa Tengah")
    assert add_working_days(date(2026, 7, 1), ANSWER_WORKING_DAYS) == date(2026, 7, 16)


def test_a_holiday_marked_as_a_working_day_overrides_the_library():
    """The government cancels a joint leave day by decree: staff untick "day off"."""
    assert not is_working_day(date(2026, 12, 24))
    Holiday.objects.create(
        date=date(2026, 12, 24), name="Cuti bersama dibatalkan", is_day_off=False
    )
    assert is_working_day(date(2026, 12, 24))
    assert add_working_days(date(2026, 12, 22), ANSWER_WORKING_DAYS) == date(2027, 1, 8)


def test_working_days_between_counts_the_days_of_the_clock_that_have_run():
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 13)) == 0
    assert working_days_between(date(2026, 3, 13), date(2026, 3, 24)) == 2
    assert working_days_between(date(2026, 3, 13), date(2026, 4, 6)) == ANSWER_WORKING_DAYS
    assert working_days_between(date(2026, 4, 6), date(2026, 3, 13)) == 0


def test_add_working_days_refuses_a_count_below_one():
    with pytest.raises(ValueError):
        add_working_days(date(2026, 1, 5), 0)
