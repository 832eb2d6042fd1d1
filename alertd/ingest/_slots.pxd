# cython: language_level=3
"""Read an Event's fields at their slots from compiled loops.

msgspec keeps a Struct's fields in slots, as ``__slots__`` classes do: a member
descriptor per field knows its offset. Bytecode reads one with a specialised
``LOAD_ATTR``; compiled code would look the name up in the type on every read, the
larger part of a compiled loop's time per event. The loops get each field's member
once (:func:`slot_of`) and read it with ``PyMember_GetOne``, the descriptor's own
getter, after checking the object is exactly an Event.
"""

from cpython.object cimport PyObject


cdef extern from "Python.h":
    ctypedef struct PyMemberDef:
        pass
    ctypedef struct PyMemberDescrObject:
        PyMemberDef* d_member
    object PyMember_GetOne(const char* address, PyMemberDef* member)


cdef inline PyMemberDef* slot_of(object owner, str field) except NULL:
    descriptor = owner.__dict__[field]
    if type(descriptor).__name__ != "member_descriptor":
        raise TypeError(f"{owner.__name__}.{field} is not a slot: msgspec changed its layout")
    return (<PyMemberDescrObject*>descriptor).d_member


cdef inline object read(object event, object owner, PyMemberDef* slot, str field):
    """``event.<field>``: at its slot when ``event`` is exactly ``owner``."""
    if type(event) is owner:
        return PyMember_GetOne(<const char*><PyObject*>event, slot)
    return getattr(event, field)
