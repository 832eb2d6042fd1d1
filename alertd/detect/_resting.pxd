# distutils: language = c++
# cython: language_level=3
"""What alertd.detect._lane reads of the compiled series map at C level."""

from cpython.ref cimport PyObject
from libcpp.string cimport string
from libcpp.unordered_map cimport unordered_map


cdef extern from "Python.h":
    const char* PyUnicode_AsUTF8AndSize(object, Py_ssize_t*) except NULL


cdef struct Entry:
    double last_seen
    PyObject* series  # NULL while the series is a slot, at rest and never built


cdef inline void bytes_into(string& out, str text) except *:
    """``text`` as the UTF-8 bytes a map is keyed by, written over ``out`` (whose
    buffer is reused: no allocation per event once it is large enough)."""
    cdef Py_ssize_t size
    cdef const char* data
    try:
        data = PyUnicode_AsUTF8AndSize(text, &size)
    except UnicodeEncodeError:  # a lone surrogate (stdlib json lets "\ud800" through)
        encoded = text.encode("utf-8", "surrogatepass")
        out.assign(<const char*>encoded, len(encoded))
        return
    out.assign(data, size)


cdef class RestingMap:
    cdef unordered_map[string, Entry] _entries
    cdef object _factory
    cdef string _scratch

    cdef int rest_at(self, const string& key, double at) except -1
    cdef object _built(self, Entry* entry)
