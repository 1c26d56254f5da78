"""Birth-date changes for IN1 (age on T_S >= 18).

The T_S-relative birth dates below would not exist, or would decide the age, on a few screening
dates (29 February; the last day of a month or year). There the change moves T_S back a day or
two: the baseline's data all lie 3 or more days before T_S, so nothing else moves."""

import calendar
from datetime import date, timedelta

from trialgraph.synthetic.bundles import move_screening_date, patient
from trialgraph.synthetic.changes import Change, patient_field


def eighteenth_birthday_on_screening(bundle: dict, t: date) -> None:
    """The 18th birthday is T_S."""
    if (t.month, t.day) == (2, 29):  # no one turns 18 on 29 February: 18 is not a multiple of 4
        t = move_screening_date(bundle, t - timedelta(days=1))
    patient(bundle)["birthDate"] = t.replace(year=t.year - 18).isoformat()


def eighteenth_birthday_day_after_screening(bundle: dict, t: date) -> None:
    """The 18th birthday is the day after T_S."""
    if (t.month, t.day) == (2, 28) and calendar.isleap(t.year):
        t = move_screening_date(bundle, t - timedelta(days=1))
    birthday = t + timedelta(days=1)
    patient(bundle)["birthDate"] = birthday.replace(year=birthday.year - 18).isoformat()


def birth_year_undecided(bundle: dict, t: date) -> None:
    """Born in the year 18 years before T_S: the 18th birthday is on 1 January (met) or on
    31 December (not-met) of T_S's year, unless T_S is 31 December."""
    if (t.month, t.day) == (12, 31):
        t = move_screening_date(bundle, t - timedelta(days=1))
    patient(bundle)["birthDate"] = f"{t.year - 18:04d}"


def birth_month_undecided(bundle: dict, t: date) -> None:
    """Born in T_S's month, 18 years before: the 18th birthday is on the 1st (met) or on a day
    after T_S (not-met). T_S moves below the month's last day (in February below the 28th, so
    a 29 February birth, whose birthday convention the spec leaves open, cannot decide it)."""
    last = calendar.monthrange(t.year - 18, t.month)[1]
    limit = min(last, 28) if t.month == 2 else last
    if t.day >= limit:
        t = move_screening_date(bundle, t.replace(day=limit - 1))
    patient(bundle)["birthDate"] = f"{t.year - 18:04d}-{t.month:02d}"


def born_29_february_turned_18(bundle: dict, t: date) -> None:
    """Born 29 February; the 18th birthday (28 February or 1 March, whichever convention)
    is before T_S."""
    year = t.year - 18
    while not (calendar.isleap(year) and date(year + 18, 3, 1) <= t):
        year -= 1
    patient(bundle)["birthDate"] = f"{year:04d}-02-29"


def born_29_february_not_yet_18(bundle: dict, t: date) -> None:
    """Born 29 February; the 18th birthday (28 February or 1 March) is after T_S."""
    year = t.year - 18
    while not (calendar.isleap(year) and date(year + 18, 2, 28) > t):
        year += 1
    patient(bundle)["birthDate"] = f"{year:04d}-02-29"


def birth_year_only(years_before: int) -> Change:
    """A birth date of the year only, `years_before` T_S's year."""
    return lambda bundle, t: patient_field("birthDate", f"{t.year - years_before:04d}")(bundle, t)
