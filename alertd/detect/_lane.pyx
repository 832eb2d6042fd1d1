# distutils: language = c++
# cython: language_level=3, boundscheck=False, wraparound=False
"""The quiet lane's common case, compiled: one input, grouped by one label.

The Python lane (alertd/detect/quiet.py) spent most of an event on its own tables:
the index memo's key tuple, the plan's tuple unpacked, the value and the series
checked in bytecode (bench/RESULTS.md, eighth pass). Here the memo is a C++ map keyed
by the bytes of (kind, name, values of the labels the index looks at), its answer a
plan whose range and series map are C fields, and the series step is a C call into
the :class:`~alertd.detect._resting.RestingMap`.

Only the answers are compiled, not the rules: a name or a plan first seen is asked of
the Python lane (``QuietLane.plan_for``), and an event of any other shape (several
inputs, several group labels, series in a dict) is applied by the Python lane one at a
time (``quiet.step``). So both lanes decide every event alike, and the
Python lane is the reference the tests hold this one to.
"""

from cpython.dict cimport PyDict_GetItem
from cpython.object cimport PyObject
from cython.operator cimport dereference as deref
from libc.stdint cimport uint32_t
from libcpp.string cimport string
from libcpp.unordered_map cimport unordered_map
from libcpp.vector cimport vector

from alertd.detect._resting cimport RestingMap, bytes_into
from alertd.ingest._slots cimport PyMemberDef, read, slot_of
from alertd.ingest.event import Event

cdef object EVENT = Event  # its metaclass is msgspec.StructMeta, not type
cdef PyMemberDef* TIME = slot_of(Event, "time")
cdef PyMemberDef* KIND = slot_of(Event, "kind")
cdef PyMemberDef* NAME = slot_of(Event, "name")
cdef PyMemberDef* VALUE = slot_of(Event, "value")
cdef PyMemberDef* LABELS = slot_of(Event, "labels")


cdef int BY_PYTHON = -1
"""A plan of a shape this lane does not handle: the Python lane applies the event."""
cdef int NOT_QUIET = -2
"""A plan that can never be quiet: the event leaves the lane."""
cdef int FEEDS_NOTHING = -3
"""No rule takes the event: applying it only moves the clock."""


cdef class _Plan:
    """One input, its series in a RestingMap filed by the value of one label."""
    cdef str rule_name
    cdef str group_label
    cdef double low, high
    cdef RestingMap filed


cdef struct _Hint:
    string key  # the memo key a name last led to, and its answer: a name mostly
    int code    # comes with the same values, and a compare is cheaper than a lookup


cdef class CompiledLane:
    cdef object _lane, _step
    cdef Py_ssize_t _limit
    cdef unordered_map[string, int] _names  # name -> index in _looked_at
    cdef list _looked_at  # per known name: the labels the index looks at
    cdef vector[_Hint] _hints  # per known name
    cdef unordered_map[string, int] _plans  # memo key -> index in _plan_list, or a code
    cdef list _plan_list
    cdef dict _code_of_rule  # one _Plan per rule, however many keys lead to it
    cdef string _name, _key, _value  # reused buffers: no allocation per event

    def __init__(self, lane, step, Py_ssize_t limit):
        """``lane``: the engine's QuietLane; ``step(lane, event, tracked) -> bool``: the
        Python lane for one event; ``limit``: answers kept before each memo starts over
        (label values can be unbounded)."""
        self._lane, self._step, self._limit = lane, step, limit
        self._looked_at, self._plan_list, self._code_of_rule = [], [], {}

    def run(self, events, Py_ssize_t start, double watermark, double due, tracked):
        """quiet.run's contract: the index of the first event left for the full path and
        the event-time clock after the applied ones."""
        cdef Py_ssize_t i = start, count = len(events)
        cdef bint tracking = bool(tracked)  # the lane changes no track while it runs
        cdef double at
        cdef int code
        while i < count:
            event = events[i]
            at = read(event, EVENT, TIME, "time")
            if at > watermark and at >= due:
                break
            labels = read(event, EVENT, LABELS, "labels")
            code = self._plan_code(event, labels)
            if code == NOT_QUIET:
                break
            if code == BY_PYTHON:
                if not self._step(self._lane, event, tracked):
                    break
            elif code != FEEDS_NOTHING:
                plan = <_Plan>self._plan_list[code]
                if not self._apply(plan, event, labels, at, tracking, tracked):
                    break
            if at > watermark:
                watermark = at
            i += 1
        return i, watermark

    cdef int _plan_code(self, event, labels) except -100:
        """The memo's answer for ``event``, learnt from the Python lane on a miss."""
        name = read(event, EVENT, NAME, "name")
        bytes_into(self._name, name)
        found = self._names.find(self._name)
        cdef int known = self._learn_name(name) if found == self._names.end() else deref(found).second
        # The index memo's key, (kind, name, *values), unambiguous in bytes: a kind has
        # no NUL, and the name and each value are preceded by their length.
        bytes_into(self._key, read(event, EVENT, KIND, "kind"))
        self._key.push_back(0)
        self._append_sized(self._name)
        cdef PyObject* value
        for label in <tuple>self._looked_at[known]:
            value = PyDict_GetItem(labels, label)
            if value == NULL:
                self._value.clear()  # a missing label is the index's ""
            elif type(<object>value) is str:
                bytes_into(self._value, <str>value)
            else:
                return BY_PYTHON  # not a decoded event's label: the index decides
            self._append_sized(self._value)
        cdef _Hint* hint = &self._hints[known]
        if hint.key == self._key:
            return hint.code
        planned = self._plans.find(self._key)
        cdef int code = self._learn_plan(event) if planned == self._plans.end() else deref(planned).second
        hint = &self._hints[known]
        hint.key, hint.code = self._key, code
        return code

    cdef void _append_sized(self, const string& part):
        cdef uint32_t size = part.size()
        self._key.append(<const char*>&size, sizeof(size))
        self._key.append(part)

    cdef int _apply(
        self, _Plan plan, event, labels, double at, bint tracking, tracked
    ) except -1:
        """The Python lane's one-input step for ``plan``: 1 if applied, 0 if the event
        must take the full path."""
        reading = read(event, EVENT, VALUE, "value")
        cdef double number
        if reading is not None:
            number = reading
            if number < plan.low or number > plan.high:
                return 0  # NaN compares False both ways: a missing number is quiet
        cdef PyObject* found = PyDict_GetItem(labels, plan.group_label)
        group = <object>found if found != NULL else ""
        if type(group) is not str:
            return 1 if self._step(self._lane, event, tracked) else 0
        if tracking and (plan.rule_name, (group,)) in tracked:
            return 0
        bytes_into(self._value, group)
        return plan.filed.rest_at(self._value, at)

    cdef int _learn_name(self, str name) except -100:
        if <Py_ssize_t>self._names.size() >= self._limit:
            self._names.clear()
            self._looked_at = []
            self._hints.clear()
        self._looked_at.append(tuple(self._lane.index.labels_looked_at(name)))
        self._hints.push_back(_Hint())
        cdef int known = len(self._looked_at) - 1
        self._names[self._name] = known
        return known

    cdef int _learn_plan(self, event) except -100:
        if <Py_ssize_t>self._plans.size() >= self._limit:
            self._plans.clear()
            self._plan_list, self._code_of_rule = [], {}
            for known in range(self._hints.size()):  # their codes are gone too
                self._hints[known].key.clear()
        cdef int code = self._code_of(self._lane.plan_for(event))
        self._plans[self._key] = code
        return code

    cdef int _code_of(self, plan) except -100:
        if plan is None:
            return NOT_QUIET
        if len(plan) == 0:
            return FEEDS_NOTHING
        if len(plan) != 1:
            return BY_PYTHON
        rule_name, group_by, low, high, _, filed = plan[0]
        if len(group_by) != 1 or type(filed) is not RestingMap:
            return BY_PYTHON
        known = self._code_of_rule.get(rule_name)
        if known is not None:
            return known
        compiled = _Plan()
        compiled.rule_name, compiled.group_label = rule_name, group_by[0]
        compiled.low, compiled.high, compiled.filed = low, high, filed
        self._plan_list.append(compiled)
        code = self._code_of_rule[rule_name] = len(self._plan_list) - 1
        return code
