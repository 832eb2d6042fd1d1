# cython: language_level=3, cdivision=True
"""The decoding loop's common case, compiled: one canonical event object per record.

:class:`ObjectRun` is alertd.ingest.batch's loop over a fetched batch (msgspec does
the decoding; in bytecode, the loop around it took a quarter of the time per record).

:func:`epoch_seconds` turns a decoded RFC 3339 time into epoch seconds.
``datetime.timestamp`` subtracts the epoch into a ``timedelta`` and divides its
microseconds as Python integers: several objects per event, about a sixteenth of the
consumer's time (bench/RESULTS.md, ninth pass). The same count of microseconds fits
a C integer, and while it stays below 2**53 Python divides it as a double, exactly as
done here, so both give the same float; beyond that (before 1685 or after 2255), and
for a naive time, ``datetime.timestamp`` itself answers.
"""

from cpython.datetime cimport (
    datetime,
    datetime_day,
    datetime_hour,
    datetime_microsecond,
    datetime_minute,
    datetime_month,
    datetime_second,
    datetime_tzinfo,
    datetime_year,
    import_datetime,
    timedelta,
    timedelta_days,
    timedelta_microseconds,
    timedelta_seconds,
)
from libc.stdint cimport int64_t

import datetime as _datetime

from msgspec.structs import force_setattr

import_datetime()

cdef object UTC = _datetime.timezone.utc
cdef int64_t EXACT = 1LL << 53  # below it, an integer converts to a double exactly


cdef inline int64_t _days_since_epoch(int64_t year, int64_t month, int64_t day):
    """Days from 1970-01-01 to a proleptic Gregorian date of years 1-9999 (H. Hinnant's
    days_from_civil, for non-negative years only)."""
    year -= month <= 2
    cdef int64_t era = year // 400
    cdef int64_t of_era = year - era * 400
    cdef int64_t of_year = (153 * (month + (-3 if month > 2 else 9)) + 2) // 5 + day - 1
    cdef int64_t of_days = of_era * 365 + of_era // 4 - of_era // 100 + of_year
    return era * 146097 + of_days - 719468


def epoch_seconds(datetime moment not None):
    """``moment.timestamp()``, the same float, faster."""
    return _epoch(moment)


cdef object _epoch(datetime moment):
    if moment is None:
        raise TypeError("epoch_seconds() needs a datetime, not None")
    zone = datetime_tzinfo(moment)
    if zone is None:
        return moment.timestamp()  # local time: the platform's rules decide
    cdef int64_t micros = (
        _days_since_epoch(datetime_year(moment), datetime_month(moment), datetime_day(moment))
        * 86_400
        + datetime_hour(moment) * 3_600
        + datetime_minute(moment) * 60
        + datetime_second(moment)
    ) * 1_000_000 + datetime_microsecond(moment)
    cdef timedelta offset
    if zone is not UTC:
        offset = moment.utcoffset()
        if offset is None:  # a zone that does not know its offset: naive after all
            return moment.timestamp()
        micros -= (
            <int64_t>timedelta_days(offset) * 86_400 + timedelta_seconds(offset)
        ) * 1_000_000 + timedelta_microseconds(offset)
    if -EXACT < micros < EXACT:
        return <double>micros / 1e6
    return moment.timestamp()


cdef class ObjectRun:
    """Decode records while each is one event object within the limits; the first
    that is not is left to the caller's slow path, which names the reason."""

    cdef object _decode
    cdef Py_ssize_t _max_bytes
    cdef double _min_time, _max_time

    def __init__(self, decode, Py_ssize_t max_bytes, double min_time, double max_time):
        self._decode, self._max_bytes = decode, max_bytes
        self._min_time, self._max_time = min_time, max_time

    def run(self, records, Py_ssize_t start, list events):
        """Append the events of ``records[start:]`` to ``events`` up to the first record
        that fails; returns its index (``len(records)`` when none did)."""
        cdef Py_ssize_t i, count = len(records)
        cdef double stamp
        for i in range(start, count):
            raw = records[i].value
            if not raw:
                raw = b""
            if len(raw) > self._max_bytes:
                return i
            try:
                event = self._decode(raw)
                moment = event.time
                if type(moment) is not float:
                    stamp = _epoch(moment)
                    if not self._min_time <= stamp <= self._max_time:
                        return i
                    force_setattr(event, "time", stamp)
            except Exception:
                return i
            events.append(event)
        return count
