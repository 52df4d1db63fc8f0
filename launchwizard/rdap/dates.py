"""RDAP event dates, as registries really write them.

RFC 9083 §4.5 asks for RFC 3339 timestamps; registries also send ISO 8601 basic format
(20270301T000000Z), fractions of any length, a comma before the fraction, offsets without
a colon, a lower-case t or z, a bare date, ordinal dates, and leap seconds. A date without
an offset is taken as UTC. Anything else is refused with a reason, never guessed.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

MAX_DATE_TEXT = 64
_ORDINAL = re.compile(r"(\d{4})-?(\d{3})")
_LEAP_SECOND = re.compile(r"(T\d{2}:?\d{2}:?)60")


class BadDate(ValueError):
    """A date text that is not ISO 8601; the message says what was seen."""


def parse_rdap_date(raw: object) -> datetime:
    """An aware UTC datetime from an RDAP eventDate; raises BadDate with a plain reason."""
    if not isinstance(raw, str):
        raise BadDate(f"the date is a {type(raw).__name__}, not text")
    text = raw.strip()
    if not text:
        raise BadDate("the date is empty")
    if len(text) > MAX_DATE_TEXT:
        raise BadDate(f"the date is {len(text)} characters long, not an ISO 8601 date")
    normal = text.upper()
    ordinal = _ORDINAL.fullmatch(normal)
    if ordinal:
        return _from_ordinal(text, int(ordinal.group(1)), int(ordinal.group(2)))
    leap = _LEAP_SECOND.search(normal) is not None
    if leap:
        normal = _LEAP_SECOND.sub(r"\g<1>59", normal, count=1)
    try:
        moment = datetime.fromisoformat(normal)
    except ValueError:
        raise BadDate(f"{text!r} is not an ISO 8601 date") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        moment = moment.astimezone(UTC)
        return moment + timedelta(seconds=1) if leap else moment
    except OverflowError:
        raise BadDate(f"{text!r} is outside the dates a calendar can hold") from None


def _from_ordinal(text: str, year: int, day: int) -> datetime:
    """YYYY-DDD: the day of the year, counted from 1."""
    if year < 1 or not 1 <= day <= (366 if _leap_year(year) else 365):
        raise BadDate(f"{text!r} names a day its year does not have")
    return datetime(year, 1, 1, tzinfo=UTC) + timedelta(days=day - 1)


def _leap_year(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
