# SPDX-License-Identifier: Apache-2.0
"""Gantry for Python: load or compile rule packs and match raw log lines.

A thin ctypes layer over libgantry (include/gantry.h) and libgantry-compiler
(include/gantry_compiler.h); docs/api.md gives the lifetimes and thread rules,
which hold here too: a Pack may be shared between threads, a Session is for
one thread at a time.
"""

import ctypes
import ctypes.util
import json
import os

__all__ = [
    "GantryError", "Pack", "Session", "Event", "Rule", "Match",
    "CorrelationMatch", "Diagnostic", "compile_rules", "LEVELS", "FORMATS",
]

LEVELS = ("informational", "low", "medium", "high", "critical")
FORMATS = ("auto", "k8s_audit", "docker_events", "dockerd", "falco",
           "k8s_dashboard", "containerd", "json")
_STATUS_NAMES = ("OK", "E_NOMEM", "E_IO", "E_ARG", "E_MAGIC", "E_VERSION",
                 "E_TRUNCATED", "E_CRC", "E_SECTION", "E_VERIFY", "E_REGEX",
                 "E_JSON", "E_LIMIT", "E_REGEX_LIMIT", "E_EVENT")
_SELECT = {"all": 0, "id": 1, "name": 2, "tag": 3, "level": 4, "min_level": 5}
_VALUE_STRING, _VALUE_NUMBER, _VALUE_BOOL, _VALUE_NULL = 0, 1, 2, 3


class GantryError(RuntimeError):
    """A call into libgantry failed, or an object was used after close().

    `status` is the library's status name ("E_VERSION", "E_ARG", ...) or
    "CLOSED"; `diagnostics` lists the compiler's records when compiling
    failed."""

    def __init__(self, message, status="E_ARG", diagnostics=()):
        super().__init__(message)
        self.status = status
        self.diagnostics = list(diagnostics)


# ---- the C declarations --------------------------------------------------

_c_char_pp = ctypes.POINTER(ctypes.c_char_p)


class _RuleInfo(ctypes.Structure):
    _fields_ = [("index", ctypes.c_uint32), ("id", ctypes.c_char_p),
                ("title", ctypes.c_char_p), ("description", ctypes.c_char_p),
                ("author", ctypes.c_char_p), ("date", ctypes.c_char_p),
                ("status", ctypes.c_char_p), ("level", ctypes.c_int),
                ("logsource_product", ctypes.c_char_p),
                ("logsource_category", ctypes.c_char_p),
                ("logsource_service", ctypes.c_char_p),
                ("tag_count", ctypes.c_size_t), ("reference_count", ctypes.c_size_t),
                ("falsepositive_count", ctypes.c_size_t)]


class _Value(ctypes.Structure):
    _fields_ = [("type", ctypes.c_int), ("text", ctypes.c_void_p),
                ("len", ctypes.c_size_t), ("number", ctypes.c_double)]


class _FieldValues(ctypes.Structure):
    _fields_ = [("path", ctypes.c_char_p), ("count", ctypes.c_size_t),
                ("values", ctypes.POINTER(_Value))]


class _RuleMatch(ctypes.Structure):
    _fields_ = [("rule", ctypes.POINTER(_RuleInfo)), ("name", ctypes.c_char_p),
                ("tag_count", ctypes.c_size_t), ("tags", _c_char_pp),
                ("source", ctypes.c_char_p), ("first_line", ctypes.c_uint64),
                ("last_line", ctypes.c_uint64), ("event", ctypes.c_void_p),
                ("field_count", ctypes.c_size_t),
                ("fields", ctypes.POINTER(_FieldValues)),
                ("session", ctypes.c_void_p)]


class _CorrInfo(ctypes.Structure):
    _fields_ = [("index", ctypes.c_uint32), ("name", ctypes.c_char_p),
                ("id", ctypes.c_char_p), ("title", ctypes.c_char_p),
                ("description", ctypes.c_char_p), ("author", ctypes.c_char_p),
                ("date", ctypes.c_char_p), ("level", ctypes.c_int),
                ("type", ctypes.c_char_p), ("tag_count", ctypes.c_size_t),
                ("rule_count", ctypes.c_size_t), ("timespan_ns", ctypes.c_uint64),
                ("generate", ctypes.c_int)]


class _CorrEvent(ctypes.Structure):
    _fields_ = [("file", ctypes.c_char_p), ("line", ctypes.c_uint64),
                ("time_ns", ctypes.c_int64), ("rule", ctypes.c_uint32),
                ("is_correlation", ctypes.c_int)]


class _CorrMatch(ctypes.Structure):
    _fields_ = [("correlation", ctypes.POINTER(_CorrInfo)),
                ("group_count", ctypes.c_size_t), ("group_fields", _c_char_pp),
                ("group_values", _c_char_pp), ("first_ns", ctypes.c_int64),
                ("last_ns", ctypes.c_int64), ("value", ctypes.c_double),
                ("event_count", ctypes.c_size_t), ("events", ctypes.POINTER(_CorrEvent))]


class _Stats(ctypes.Structure):
    _fields_ = [(n, ctypes.c_uint64) for n in (
        "lines", "events", "blank", "malformed", "matches", "correlation_matches",
        "match_errors")]


class _Diagnostic(ctypes.Structure):
    _fields_ = [("file", ctypes.c_char_p), ("line", ctypes.c_uint),
                ("column", ctypes.c_uint), ("length", ctypes.c_uint),
                ("severity", ctypes.c_int), ("code", ctypes.c_char_p),
                ("message", ctypes.c_char_p)]


_MATCH_FN = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.POINTER(_RuleMatch), ctypes.c_void_p)
_CORR_FN = ctypes.CFUNCTYPE(None, ctypes.POINTER(_CorrMatch), ctypes.c_void_p)

_P = ctypes.c_void_p
_SIGNATURES = {
    # name: (restype, argtypes)
    "gantry_strerror": (ctypes.c_char_p, [ctypes.c_int]),
    "gantry_version": (ctypes.c_char_p, []),
    "gantry_pack_load_file": (ctypes.c_int, [ctypes.c_char_p, ctypes.POINTER(_P),
                                             ctypes.c_char_p, ctypes.c_size_t]),
    "gantry_pack_load_buffer": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t,
                                               ctypes.POINTER(_P), ctypes.c_char_p,
                                               ctypes.c_size_t]),
    "gantry_pack_free": (None, [_P]),
    "gantry_pack_rule_count": (ctypes.c_size_t, [_P]),
    "gantry_pack_rule_info": (ctypes.c_int, [_P, ctypes.c_size_t, ctypes.POINTER(_RuleInfo)]),
    "gantry_pack_rule_tag": (ctypes.c_char_p, [_P, ctypes.c_size_t, ctypes.c_size_t]),
    "gantry_pack_rule_name": (ctypes.c_char_p, [_P, ctypes.c_size_t]),
    "gantry_pack_correlation_count": (ctypes.c_size_t, [_P]),
    "gantry_session_new": (ctypes.c_int, [_P, ctypes.c_int, _MATCH_FN, _CORR_FN, _P,
                                          ctypes.POINTER(_P)]),
    "gantry_session_free": (None, [_P]),
    "gantry_session_feed": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_size_t]),
    "gantry_session_feed_line": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_size_t]),
    "gantry_session_finish": (ctypes.c_int, [_P]),
    "gantry_session_flush": (ctypes.c_int, [_P]),
    "gantry_session_set_source": (ctypes.c_int, [_P, ctypes.c_char_p]),
    "gantry_session_set_min_level": (ctypes.c_int, [_P, ctypes.c_int]),
    "gantry_session_matcher": (_P, [_P]),
    "gantry_session_event_json": (ctypes.c_char_p, [_P]),
    "gantry_session_get_stats": (ctypes.c_int, [_P, ctypes.POINTER(_Stats)]),
    "gantry_matcher_select": (ctypes.c_int, [_P, ctypes.c_int, ctypes.c_char_p, ctypes.c_int,
                                             ctypes.POINTER(ctypes.c_size_t)]),
    "gantry_event_parse": (ctypes.c_int, [ctypes.c_char_p, ctypes.c_size_t, ctypes.POINTER(_P)]),
    "gantry_event_free": (None, [_P]),
    "gantry_event_get": (ctypes.c_size_t, [_P, ctypes.c_char_p, ctypes.POINTER(_Value),
                                           ctypes.c_size_t]),
}
_COMPILER_SIGNATURES = {
    "gantry_compiler_new": (ctypes.c_int, [ctypes.POINTER(_P)]),
    "gantry_compiler_free": (None, [_P]),
    "gantry_compiler_define": (ctypes.c_int, [_P, ctypes.c_char_p]),
    "gantry_compiler_add_rules": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_char_p,
                                                 ctypes.c_size_t]),
    "gantry_compiler_add_sigma": (ctypes.c_int, [_P, ctypes.c_char_p, ctypes.c_char_p,
                                                 ctypes.c_size_t]),
    "gantry_compiler_add_path": (ctypes.c_int, [_P, ctypes.c_char_p]),
    "gantry_compiler_compile": (ctypes.c_int, [_P, ctypes.POINTER(_P),
                                               ctypes.POINTER(ctypes.c_size_t)]),
    "gantry_compiler_buffer_free": (None, [_P]),
    "gantry_compiler_diagnostic_count": (ctypes.c_size_t, [_P]),
    "gantry_compiler_diagnostic": (ctypes.POINTER(_Diagnostic), [_P, ctypes.c_size_t]),
}


def _open(stem, signatures):
    """Loads lib<stem>.so from GANTRY_LIBRARY_DIR, else the linker's path."""
    directory = os.environ.get("GANTRY_LIBRARY_DIR")
    candidates = []
    if directory:
        candidates.append(os.path.join(directory, "lib%s.so" % stem))
    else:
        found = ctypes.util.find_library(stem)
        candidates += [found] if found else []
        candidates += ["lib%s.so.1" % stem, "lib%s.so" % stem]
    error = None
    for path in candidates:
        try:
            lib = ctypes.CDLL(path, mode=ctypes.RTLD_GLOBAL)
            break
        except OSError as exc:
            error = exc
    else:
        raise ImportError("gantry: cannot load lib%s.so (%s); install the library or set "
                          "GANTRY_LIBRARY_DIR" % (stem, error))
    for name, (restype, argtypes) in signatures.items():
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes
    return lib


_lib = _open("gantry", _SIGNATURES)
_clib = None  # libgantry-compiler, loaded on first use


def _compiler_lib():
    global _clib
    if _clib is None:
        _clib = _open("gantry-compiler", _COMPILER_SIGNATURES)
    return _clib


def _status_name(code):
    return _STATUS_NAMES[code] if 0 <= code < len(_STATUS_NAMES) else "E_%d" % code


def _check(code, what):
    if code != 0:
        raise GantryError("%s: %s" % (what, _lib.gantry_strerror(code).decode()),
                          _status_name(code))


def _text(p):
    return p.decode("utf-8", "replace") if p else ""


def _bytes(value, what):
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(value).__name__))


def version():
    """The library's version string."""
    return _lib.gantry_version().decode()


# ---- values ------------------------------------------------------------

def _value(v):
    if v.type == _VALUE_STRING:
        return ctypes.string_at(v.text, v.len).decode("utf-8", "replace")
    if v.type == _VALUE_NUMBER:
        n = v.number
        return int(n) if n.is_integer() and abs(n) < 2 ** 53 else n
    if v.type == _VALUE_BOOL:
        return v.number != 0
    if v.type == _VALUE_NULL:
        return None
    return {} if v.type == 4 else []  # an object or an array as a whole


def _event_values(handle, path):
    key = _bytes(path, "path")
    n = _lib.gantry_event_get(handle, key, None, 0)
    if n == 0:
        return []
    buf = (_Value * n)()
    _lib.gantry_event_get(handle, key, buf, n)
    return [_value(v) for v in buf]


class Event:
    """A JSON event, read through the paths rules use (nested keys, the
    schema's flat dotted keys, arrays element by element)."""

    def __init__(self, json_text):
        data = _bytes(json_text, "json_text")
        handle = _P()
        _check(_lib.gantry_event_parse(data, len(data), ctypes.byref(handle)), "event")
        self._handle = handle
        self.json = data.decode("utf-8", "replace")

    def get(self, path):
        """Every value of `path` (a list; empty when absent)."""
        if self._handle is None:
            raise GantryError("event is closed", "CLOSED")
        return _event_values(self._handle, path)

    def first(self, path, default=None):
        values = self.get(path)
        return values[0] if values else default

    def to_dict(self):
        return json.loads(self.json)

    def close(self):
        if getattr(self, "_handle", None) is not None:
            _lib.gantry_event_free(self._handle)
            self._handle = None

    def __del__(self):
        self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---- packs -------------------------------------------------------------

class Rule:
    """A rule's metadata."""

    __slots__ = ("index", "id", "name", "title", "level", "status", "tags",
                 "description", "author")

    def __init__(self, **kw):
        for k in self.__slots__:
            setattr(self, k, kw.get(k))

    def __repr__(self):
        return "Rule(%r, %r, %s)" % (self.name or self.id, self.title, self.level)


class Diagnostic:
    __slots__ = ("file", "line", "column", "length", "severity", "code", "message")

    def __init__(self, d):
        self.file = _text(d.file)
        self.line, self.column, self.length = d.line, d.column, d.length
        self.severity = ("error", "warning", "note")[d.severity] if 0 <= d.severity < 3 else "error"
        self.code = _text(d.code)
        self.message = _text(d.message)

    def __str__(self):
        return "%s:%d:%d: %s[%s]: %s" % (self.file, self.line, self.column, self.severity,
                                         self.code, self.message)


class Pack:
    """A loaded, verified rule pack. Immutable: share it between threads.
    Close it (or use `with`) after the sessions made from it."""

    def __init__(self, handle):
        self._handle = handle
        self._rules = None
        self._sessions = 0

    @classmethod
    def load(cls, path):
        handle = _P()
        err = ctypes.create_string_buffer(512)
        code = _lib.gantry_pack_load_file(os.fsencode(path), ctypes.byref(handle), err, 512)
        if code != 0:
            raise GantryError("%s: %s" % (path, _text(err.value)), _status_name(code))
        return cls(handle)

    @classmethod
    def from_bytes(cls, image):
        if not isinstance(image, (bytes, bytearray, memoryview)):
            raise TypeError("a pack image is bytes, not %s" % type(image).__name__)
        data = bytes(image)
        handle = _P()
        err = ctypes.create_string_buffer(512)
        code = _lib.gantry_pack_load_buffer(data, len(data), ctypes.byref(handle), err, 512)
        if code != 0:
            raise GantryError("pack: %s" % _text(err.value), _status_name(code))
        return cls(handle)  # the loader keeps no pointer into `data`

    def _live(self):
        if self._handle is None:
            raise GantryError("pack is closed", "CLOSED")
        return self._handle

    @property
    def rules(self):
        h = self._live()
        if self._rules is None:
            rules = []
            for i in range(_lib.gantry_pack_rule_count(h)):
                info = _RuleInfo()
                _check(_lib.gantry_pack_rule_info(h, i, ctypes.byref(info)), "rule info")
                tags = [_text(_lib.gantry_pack_rule_tag(h, i, t)) for t in range(info.tag_count)]
                rules.append(Rule(index=i, id=_text(info.id),
                                  name=_text(_lib.gantry_pack_rule_name(h, i)),
                                  title=_text(info.title), level=LEVELS[info.level],
                                  status=_text(info.status), tags=tags,
                                  description=_text(info.description), author=_text(info.author)))
            self._rules = rules
        return self._rules

    @property
    def correlation_count(self):
        return _lib.gantry_pack_correlation_count(self._live())

    def close(self):
        if self._handle is not None:
            if self._sessions:
                raise GantryError("pack still has %d open sessions" % self._sessions, "E_ARG")
            _lib.gantry_pack_free(self._handle)
            self._handle = None

    def __del__(self):
        if getattr(self, "_handle", None) is not None and not self._sessions:
            self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def compile_rules(rules=None, sigma=None, paths=None, defines=None):
    """Compiles native rule text, Sigma YAML and rule files or directories
    into a Pack. `rules` and `sigma` are strings or lists of strings (or of
    (name, text) pairs); `paths` a list of paths; `defines` a dict of
    placeholder values. Raises GantryError with `.diagnostics` on errors."""
    lib = _compiler_lib()
    handle = _P()
    _check(lib.gantry_compiler_new(ctypes.byref(handle)), "compiler")

    def sources(items, suffix):
        if items is None:
            return []
        if isinstance(items, (str, bytes, tuple)):
            items = [items]
        out = []
        for i, item in enumerate(items):
            name, text = item if isinstance(item, tuple) else ("<%s %d>%s" % ("rules", i, suffix),
                                                                 item)
            out.append((_bytes(name, "name"), _bytes(text, "rule text")))
        return out

    try:
        for name, value in (defines or {}).items():
            if isinstance(value, (list, tuple)):
                value = ",".join(str(v) for v in value)
            _check(lib.gantry_compiler_define(handle, _bytes("%s=%s" % (name, value), "define")),
                   "define %s" % name)
        for name, text in sources(rules, ".gantry"):
            _check(lib.gantry_compiler_add_rules(handle, name, text, len(text)), "rules")
        for name, text in sources(sigma, ".yml"):
            _check(lib.gantry_compiler_add_sigma(handle, name, text, len(text)), "sigma")
        for path in paths or []:
            _check(lib.gantry_compiler_add_path(handle, os.fsencode(path)), "path")
        image = _P()
        size = ctypes.c_size_t()
        code = lib.gantry_compiler_compile(handle, ctypes.byref(image), ctypes.byref(size))
        diags = [Diagnostic(lib.gantry_compiler_diagnostic(handle, i).contents)
                 for i in range(lib.gantry_compiler_diagnostic_count(handle))]
        if code != 0:
            errors = [str(d) for d in diags if d.severity == "error"]
            raise GantryError("rules do not compile: %s" % ("; ".join(errors) or
                                                          _lib.gantry_strerror(code).decode()),
                              _status_name(code), diags)
        try:
            pack = Pack.from_bytes(ctypes.string_at(image, size.value))
        finally:
            lib.gantry_compiler_buffer_free(image)
        pack.diagnostics = diags
        return pack
    finally:
        lib.gantry_compiler_free(handle)


# ---- sessions ----------------------------------------------------------

class Match:
    """A rule's match: `rule` (a Rule), `source` and `line` (`last_line` when
    the event spanned several lines), `fields` (each field the rule read ->
    its values), `event_json` and `event` (an Event, for any other path)."""

    kind = "rule"
    __slots__ = ("rule", "source", "line", "last_line", "fields", "event_json", "_event")

    def __init__(self, rule, source, line, last_line, fields, event_json):
        self.rule, self.source, self.line, self.last_line = rule, source, line, last_line
        self.fields, self.event_json, self._event = fields, event_json, None

    @property
    def event(self):
        if self._event is None:
            self._event = Event(self.event_json)
        return self._event

    def __repr__(self):
        return "Match(%s:%d %s)" % (self.source, self.line, self.rule.name or self.rule.id)


class CorrelationMatch:
    """A correlation's match: its metadata, the group, the value, and the
    contributing events as (source, line, rule index) triples."""

    kind = "correlation"

    def __init__(self, m):
        info = m.correlation.contents
        self.id, self.name, self.title = _text(info.id), _text(info.name), _text(info.title)
        self.level, self.type = LEVELS[info.level], _text(info.type)
        self.group = {_text(m.group_fields[i]): _text(m.group_values[i])
                      for i in range(m.group_count)}
        self.value = m.value
        self.events = [(_text(m.events[i].file), m.events[i].line, m.events[i].rule)
                       for i in range(m.event_count)]

    def __repr__(self):
        return "CorrelationMatch(%s, %d events)" % (self.name or self.id, len(self.events))


class Session:
    """Raw input in, matches out: one input stream, one thread at a time.

    feed()/feed_line()/finish()/flush() return the matches (Match and
    CorrelationMatch) their input completed; scan() reads a file object."""

    def __init__(self, pack, format="auto", min_level=None, source=None):
        if not isinstance(pack, Pack):
            raise TypeError("Session needs a gantry.Pack, not %s" % type(pack).__name__)
        if format not in FORMATS:
            raise ValueError("unknown format %r (one of %s)" % (format, ", ".join(FORMATS)))
        ph = pack._live()
        self._pack = pack
        self._rules = pack.rules
        self._out = []
        self._error = None
        self._on_match = _MATCH_FN(self._match_cb)
        self._on_corr = _CORR_FN(self._corr_cb)
        handle = _P()
        _check(_lib.gantry_session_new(ph, FORMATS.index(format), self._on_match, self._on_corr,
                                       None, ctypes.byref(handle)), "session")
        self._handle = handle
        pack._sessions += 1
        if min_level is not None:
            self.set_min_level(min_level)
        if source is not None:
            self.set_source(source)

    # callbacks run inside feed(): they copy what the match holds, since
    # everything C hands them is valid during the call only
    def _match_cb(self, mp, _user):
        try:
            m = mp.contents
            fields = {}
            for i in range(m.field_count):
                f = m.fields[i]
                if f.count:
                    fields[_text(f.path)] = [_value(f.values[j]) for j in range(f.count)]
            text = _lib.gantry_session_event_json(m.session)
            self._out.append(Match(self._rules[m.rule.contents.index], _text(m.source),
                                   m.first_line, m.last_line, fields, _text(text)))
        except BaseException as exc:  # raised again once the C call returns
            self._error = self._error or exc
        return 0

    def _corr_cb(self, mp, _user):
        try:
            self._out.append(CorrelationMatch(mp.contents))
        except BaseException as exc:
            self._error = self._error or exc

    def _live(self):
        if self._handle is None:
            raise GantryError("session is closed", "CLOSED")
        if self._pack._handle is None:
            raise GantryError("the session's pack is closed", "CLOSED")
        return self._handle

    def _call(self, fn, *args):
        h = self._live()
        self._out = []
        code = fn(h, *args)
        out, self._out = self._out, []
        if self._error is not None:
            exc, self._error = self._error, None
            raise exc
        if code not in (0, 14):  # E_EVENT: a malformed line, counted in stats
            _check(code, fn.__name__)
        return out

    def feed(self, data):
        """Bytes (or str) of any chunking; returns the matches completed."""
        data = _bytes(data, "data")
        return self._call(_lib.gantry_session_feed, data, len(data))

    def feed_line(self, line):
        line = _bytes(line, "line").rstrip(b"\n")
        return self._call(_lib.gantry_session_feed_line, line, len(line))

    def finish(self):
        """End of the current source: match an event waiting for more lines."""
        return self._call(_lib.gantry_session_finish)

    def flush(self):
        """End of input: finish, and close every correlation window."""
        return self._call(_lib.gantry_session_flush)

    def set_source(self, name):
        """Start a new source: finishes the current one (returns its last
        matches) and numbers lines from 1 again."""
        return self._call(_lib.gantry_session_set_source, _bytes(name, "name"))

    def set_min_level(self, level):
        if level not in LEVELS:
            raise ValueError("unknown level %r" % (level,))
        _check(_lib.gantry_session_set_min_level(self._live(), LEVELS.index(level)), "min level")

    def scan(self, stream, chunk_size=1 << 16, flush=True):
        """Yields the matches of a binary (or text) file object, then of
        flush() at its end."""
        while True:
            data = stream.read(chunk_size)
            if not data:
                break
            yield from self.feed(data)
        yield from (self.flush() if flush else self.finish())

    def _select(self, enable, kw):
        if len(kw) != 1:
            raise TypeError("give exactly one of id=, name=, tag=, level=, min_level=, all=")
        (kind, value), = kw.items()
        if kind not in _SELECT:
            raise TypeError("unknown selector %r" % kind)
        n = ctypes.c_size_t()
        arg = None if kind == "all" else _bytes(value, kind)
        _check(_lib.gantry_matcher_select(_lib.gantry_session_matcher(self._live()),
                                          _SELECT[kind], arg, 1 if enable else 0,
                                          ctypes.byref(n)), "select %s" % kind)
        return n.value

    def enable(self, **kw):
        """Turn rules on: enable(tag="attack.t1610"); returns how many."""
        return self._select(True, kw)

    def disable(self, **kw):
        """Turn rules off: disable(id=...), name=, tag=, level=, min_level=, all=True."""
        return self._select(False, kw)

    @property
    def stats(self):
        s = _Stats()
        _check(_lib.gantry_session_get_stats(self._live(), ctypes.byref(s)), "stats")
        return {name: getattr(s, name) for name, _ in _Stats._fields_}

    def close(self):
        if self._handle is not None:
            _lib.gantry_session_free(self._handle)
            self._handle = None
            self._pack._sessions -= 1

    def __del__(self):
        if getattr(self, "_handle", None) is not None:
            self.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
