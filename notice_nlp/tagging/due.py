"""When a measure is due, and whether it is overdue (README, "Overdue and open work").

``due`` is the latest deadline a sentence sets (7月底前 → ``2025-07-31``); a sentence that
says work is still to be done (status ``planned`` or ``unfinished``) also commits to the
plain dates it names (计划2025年6月完成 → ``2025-06``). Dates of work done, under way or
routine say when something happened, not when it is due, so without a deadline such a
sentence has no ``due``. The value is ISO at the precision known (``2025``, ``2025-06``,
``2025-06-30``; a half year or quarter becomes its last month); a date whose year is
unknown (``XXXX``) cannot be compared and is left out.

A sentence is ``overdue`` when its ``due`` ends before ``as_of`` (a month: its last day;
a year: 31 December) and its status is not ``completed``.

>>> dates = [{"type": "deadline", "value": "../2025-07-31"}]
>>> due_of(dates, "planned"), is_overdue(due_of(dates, "planned"), "planned", "2025-08-01")
('2025-07-31', True)
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable

from ..errors import NoticeError

# statuses whose plain dates are commitments (work still to be done)
OPEN_STATUSES = {"planned", "unfinished"}
_DATED = {"date", "month", "year", "part", "range"}  # not frequency, not relative ("目前")
_POINT = re.compile(r"(\d{4})(?:-(?:(\d{2})(?:-(\d{2}))?|H([12])|Q([1-4])))?")


def due_of(dates: Iterable[dict], status: str | None) -> str | None:
    """The latest date the sentence commits to, ISO at its precision, or None."""
    kinds = {"deadline"} | (_DATED if status in OPEN_STATUSES else set())
    points = [p for span in dates if span.get("type") in kinds and span.get("value")
              if (p := _end_point(span["value"])) is not None]
    return max(points, key=lambda p: (last_day(p), len(p)), default=None)


def last_day(due: str) -> dt.date:
    """The last day an ISO date of any precision covers (``2025-02`` → 2025-02-28)."""
    parts = [int(x) for x in due.split("-")]
    if len(parts) == 3:
        return dt.date(*parts)
    year, month = parts[0], parts[1] if len(parts) == 2 else 12
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def is_overdue(due: str | None, status: str | None, as_of: str | dt.date | None = None) -> bool:
    """``due`` ended before ``as_of`` (default today) and the work is not ``completed``."""
    if due is None or status == "completed":
        return False
    return last_day(due) < as_of_date(as_of)


def as_of_date(as_of: str | dt.date | None) -> dt.date:
    """``as_of`` as a date: None is today; a ``datetime.date`` or ``YYYY-MM-DD`` text."""
    if as_of is None:
        return dt.date.today()
    if isinstance(as_of, dt.datetime):
        return as_of.date()
    if isinstance(as_of, dt.date):
        return as_of
    try:
        return dt.date.fromisoformat(str(as_of).strip())
    except ValueError:
        raise NoticeError(f"as_of must be a day, as a datetime.date or 'YYYY-MM-DD' text "
                          f"(e.g. 2025-09-30), got {as_of!r}") from None


def _end_point(value: str) -> str | None:
    """A date value's last point as ISO: ``../2025-07-31`` → ``2025-07-31``, a range's end,
    ``2026-H1`` → ``2026-06``; None when its year is unknown or it is no calendar point."""
    match = _POINT.fullmatch(value.rsplit("/", 1)[-1])
    if not match:
        return None
    year, month, day, half, quarter = match.groups()
    if half or quarter:
        return f"{year}-{int(half) * 6 if half else int(quarter) * 3:02d}"
    point = "-".join(p for p in (year, month, day) if p)
    try:
        last_day(point)
    except ValueError:  # no such month or day (a garbled date's guess)
        return None
    return point
