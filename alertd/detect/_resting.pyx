# distutils: language = c++
# cython: language_level=3, boundscheck=False, wraparound=False
"""The series of a rule grouped by one label, with the fresh ones at rest as slots.

Most series of a healthy system are created by the quiet lane and never leave rest:
all they hold is the time they were last seen. Here such a series is a fixed-size
slot in a C++ map keyed by the label value's bytes, not a Python detector filed under a
Python string: a lookup hashes the bytes and finds the key inside the map's node,
with no object of its own to fetch (bench/RESULTS.md, eighth pass). The detector is
built from the rule's factory the first time Python code asks for the series, and
the map holds it from then on.

Reads as a ``dict[str, SeriesDetector]`` to the rest of the engine.
"""

from cpython.ref cimport Py_INCREF, Py_XDECREF
from cython.operator cimport dereference as deref, preincrement as inc


cdef inline string _bytes_of(str text):
    cdef string out
    bytes_into(out, text)
    return out


cdef inline str _text_of(const string& key):
    return key.decode("utf-8", "surrogatepass")


cdef class RestingMap:
    def __cinit__(self, factory):
        self._factory = factory

    def __dealloc__(self):
        it = self._entries.begin()
        while it != self._entries.end():
            Py_XDECREF(deref(it).second.series)
            inc(it)

    def __len__(self):
        return self._entries.size()

    def __contains__(self, key):
        return isinstance(key, str) and self._entries.count(_bytes_of(key)) > 0

    def __getitem__(self, str key):
        found = self._entries.find(_bytes_of(key))
        if found == self._entries.end():
            raise KeyError(key)
        return self._built(&deref(found).second)

    def get(self, key, default=None):
        if not isinstance(key, str):
            return default
        found = self._entries.find(_bytes_of(key))
        if found == self._entries.end():
            return default
        return self._built(&deref(found).second)

    def __setitem__(self, str key, series):
        cdef Entry* entry = &self._entries[_bytes_of(key)]
        Py_INCREF(series)
        Py_XDECREF(entry.series)
        entry.series = <PyObject*>series

    def setdefault(self, str key, series):
        found = self._entries.find(_bytes_of(key))
        if found != self._entries.end():
            return self._built(&deref(found).second)
        self[key] = series
        return series

    def __delitem__(self, str key):
        found = self._entries.find(_bytes_of(key))
        if found == self._entries.end():
            raise KeyError(key)
        Py_XDECREF(deref(found).second.series)
        self._entries.erase(found)

    def rest(self, str key, double at):
        """The quiet lane's step for a resting series: a new one becomes a slot, a known
        one is last seen at ``at`` if that is later. False, and nothing done, when the
        series is built and not at rest (the full path must take the event)."""
        bytes_into(self._scratch, key)
        return self.rest_at(self._scratch, at) == 1

    cdef int rest_at(self, const string& key, double at) except -1:
        """:meth:`rest` for a key already in bytes (the compiled lane's call): 1 or 0."""
        cdef Entry* entry
        found = self._entries.find(key)
        if found == self._entries.end():
            entry = &self._entries[key]
            entry.last_seen = at
            entry.series = NULL
            return 1
        entry = &deref(found).second
        if entry.series == NULL:
            if at > entry.last_seen:
                entry.last_seen = at
            return 1
        series = <object>entry.series
        if not series.at_rest:
            return 0
        if at > series.last_seen:
            series.last_seen = at
        return 1

    def take(self, RestingMap other):
        """Move every series of ``other`` here, slots as slots (a reload's new engine
        takes over the old one's); returns the keys of those with a detector."""
        cdef Entry* entry
        built = []
        it = other._entries.begin()
        while it != other._entries.end():
            entry = &self._entries[deref(it).first]
            Py_XDECREF(entry.series)
            entry.last_seen = deref(it).second.last_seen
            entry.series = deref(it).second.series  # the reference moves with it
            if entry.series != NULL:
                built.append(_text_of(deref(it).first))
            inc(it)
        other._entries.clear()  # its references moved: nothing left for it to release
        return built

    def slots(self):
        """How many series are slots, not yet built."""
        cdef size_t count = 0
        it = self._entries.begin()
        while it != self._entries.end():
            if deref(it).second.series == NULL:
                count += 1
            inc(it)
        return count

    def keys(self):
        keys = []
        it = self._entries.begin()
        while it != self._entries.end():
            keys.append(_text_of(deref(it).first))
            inc(it)
        return keys

    def __iter__(self):
        return iter(self.keys())

    def items(self):
        return [(key, self[key]) for key in self.keys()]

    def values(self):
        return [series for _, series in self.items()]

    def idle_since(self, double cutoff):
        """Keys of the series last seen before ``cutoff``, building none of them."""
        idle = []
        it = self._entries.begin()
        while it != self._entries.end():
            entry = &deref(it).second
            seen = entry.last_seen if entry.series == NULL else (<object>entry.series).last_seen
            if seen < cutoff:
                idle.append(_text_of(deref(it).first))
            inc(it)
        return idle

    cdef object _built(self, Entry* entry):
        if entry.series == NULL:
            series = self._factory()
            series.last_seen = entry.last_seen
            Py_INCREF(series)
            entry.series = <PyObject*>series
        return <object>entry.series
