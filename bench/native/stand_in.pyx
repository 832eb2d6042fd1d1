# distutils: language = c++
# cython: boundscheck=False, wraparound=False, language_level=3
"""Stand-ins for alertd's quiet lane, in Cython: what a compiled lane could buy.

Not alertd: each does only the least work any quiet lane must do for bench/throughput.py's
events (find the rule by the event's name, check its one label matcher, check the value
against the rest range, find or make the series by its group value, move its last-seen
time), and nothing else the real lane does (tracked series, due timers, leaving for the
full path, other group shapes). bench/ablation.py puts one in place of the evaluator.

* ``OwnTables``: rules and series in C++ maps keyed by the strings' bytes, a series a
  fixed-size slot (a lane that owns its data);
* ``PythonTables``: the same loop over Python dicts keyed by the decoded strings, a
  series a small extension object (a compiled loop over today's kind of tables).
"""

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject
from cython.operator cimport dereference as deref
from libcpp.string cimport string
from libcpp.unordered_map cimport unordered_map
from libcpp.vector cimport vector


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object, Py_ssize_t*) except NULL


cdef inline string _bytes_of(object text):
    cdef Py_ssize_t size
    cdef const char* data = PyUnicode_AsUTF8AndSize(text, &size)
    return string(data, size)


cdef inline bint _resting(object reading, double low, double high):
    """A missing value is quiet; a number, when it lies in the rest range."""
    if reading is None:
        return True
    cdef double value = reading
    return low <= value <= high


cdef struct Slot:
    double last_seen


cdef class OwnTables:
    cdef unordered_map[string, int] rule_of_name
    cdef vector[string] required
    cdef vector[unordered_map[string, Slot]] series
    cdef object match_label, group_label
    cdef double low, high
    cdef public long applied, skipped

    def __init__(self, names, str match_label, required, str group_label, double low, double high):
        cdef int rule = 0
        for name, value in zip(names, required):
            self.rule_of_name[_bytes_of(name)] = rule
            self.required.push_back(_bytes_of(value))
            rule += 1
        self.series.resize(rule)
        self.match_label, self.group_label = match_label, group_label
        self.low, self.high = low, high
        self.applied = self.skipped = 0

    def run(self, list events):
        cdef Py_ssize_t i
        cdef int rule
        cdef double at
        cdef PyObject* found
        cdef Slot* slot
        for i in range(len(events)):
            event = events[i]
            named = self.rule_of_name.find(_bytes_of(event.name))
            if named == self.rule_of_name.end():
                self.skipped += 1
                continue
            rule = deref(named).second
            labels = event.labels
            found = PyDict_GetItem(labels, self.match_label)
            if found == NULL or _bytes_of(<object>found) != self.required[rule]:
                self.skipped += 1
                continue
            if not _resting(event.value, self.low, self.high):
                self.skipped += 1
                continue
            found = PyDict_GetItem(labels, self.group_label)
            slot = &self.series[rule][_bytes_of(<object>found) if found != NULL else string()]
            at = event.time
            if at > slot.last_seen:  # a new slot starts at 0.0
                slot.last_seen = at
            self.applied += 1
        return []

    def live(self):
        cdef size_t count = 0
        for filed in self.series:
            count += filed.size()
        return count


cdef class Series:
    cdef public double last_seen


cdef class PythonTables:
    cdef dict rule_of_name
    cdef list required, series
    cdef object match_label, group_label
    cdef double low, high
    cdef public long applied, skipped

    def __init__(self, names, str match_label, required, str group_label, double low, double high):
        self.rule_of_name = {name: rule for rule, name in enumerate(names)}
        self.required = list(required)
        self.series = [{} for _ in self.required]
        self.match_label, self.group_label = match_label, group_label
        self.low, self.high = low, high
        self.applied = self.skipped = 0

    def run(self, list events):
        cdef Py_ssize_t i, rule
        cdef double at
        cdef PyObject* found
        cdef Series series
        cdef dict filed
        for i in range(len(events)):
            event = events[i]
            found = PyDict_GetItem(self.rule_of_name, event.name)
            if found == NULL:
                self.skipped += 1
                continue
            rule = <object>found
            labels = event.labels
            found = PyDict_GetItem(labels, self.match_label)
            if found == NULL or <object>found != self.required[rule]:
                self.skipped += 1
                continue
            if not _resting(event.value, self.low, self.high):
                self.skipped += 1
                continue
            found = PyDict_GetItem(labels, self.group_label)
            group = <object>found if found != NULL else ""
            filed = <dict>self.series[rule]
            at = event.time
            found = PyDict_GetItem(filed, group)
            if found == NULL:
                series = Series()
                series.last_seen = at
                filed[group] = series
            else:
                series = <Series>found
                if at > series.last_seen:
                    series.last_seen = at
            self.applied += 1
        return []

    def live(self):
        return sum(len(filed) for filed in self.series)
