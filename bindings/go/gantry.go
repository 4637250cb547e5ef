// SPDX-License-Identifier: Apache-2.0

// Package gantry binds libgantry and libgantry-compiler (cgo, standard
// library only): compile or load rule packs, match raw log input, and get
// each match with its rule's metadata and the values the rule read.
//
// A Pack is immutable and may be shared between goroutines; a Session is
// for one goroutine at a time (docs/api.md). Build against a built or
// installed library: CGO_LDFLAGS=-L<libdir> and, at run time,
// LD_LIBRARY_PATH=<libdir> unless the library is in the linker's path.
package gantry

/*
#cgo CFLAGS: -I${SRCDIR}/../../include
#cgo LDFLAGS: -lgantry-compiler -lgantry
#include <stdint.h>
#include <stdlib.h>
#include "gantry.h"
#include "gantry_compiler.h"

gantry_status gantry_go_session_new(const gantry_pack *pack, int format, uintptr_t handle,
                                    gantry_session **session);
const gantry_field_values *gantry_go_field(const gantry_rule_match *m, size_t i);
const gantry_value *gantry_go_value(const gantry_value *values, size_t i);
const char *gantry_go_string(const char *const *strings, size_t i);
const gantry_corr_event *gantry_go_corr_event(const gantry_corr_match *m, size_t i);
*/
import "C"

import (
	"errors"
	"fmt"
	"math"
	"sync"
	"unsafe"
)

// Levels in order; a rule's Level is one of them.
var Levels = []string{"informational", "low", "medium", "high", "critical"}

// Formats the normalizer knows; "auto" detects each line's.
var Formats = []string{"auto", "k8s_audit", "docker_events", "dockerd", "falco",
	"k8s_dashboard", "containerd", "json"}

var statusNames = []string{"OK", "E_NOMEM", "E_IO", "E_ARG", "E_MAGIC", "E_VERSION",
	"E_TRUNCATED", "E_CRC", "E_SECTION", "E_VERIFY", "E_REGEX", "E_JSON", "E_LIMIT",
	"E_REGEX_LIMIT", "E_EVENT"}

// ErrClosed is returned when a closed Pack, Session or Event is used.
var ErrClosed = errors.New("gantry: use of a closed object")

// Error is a failed library call: Status names the gantry_status
// ("E_VERSION", "E_ARG", ...); Diagnostics holds the compiler's records when
// rules did not compile.
type Error struct {
	Status      string
	Message     string
	Diagnostics []Diagnostic
}

func (e *Error) Error() string { return "gantry: " + e.Message }

func statusError(code C.gantry_status, what string) error {
	if code == C.GANTRY_OK {
		return nil
	}
	name := fmt.Sprintf("E_%d", int(code))
	if int(code) < len(statusNames) {
		name = statusNames[code]
	}
	return &Error{Status: name, Message: what + ": " + C.GoString(C.gantry_strerror(code))}
}

// Version is the library's version.
func Version() string { return C.GoString(C.gantry_version()) }

// Rule is a rule's metadata.
type Rule struct {
	Index       int
	ID, Name    string
	Title       string
	Level       string
	Status      string
	Description string
	Tags        []string
}

// Pack is a loaded, verified rule pack.
type Pack struct {
	mu       sync.Mutex
	p        *C.gantry_pack
	rules    []Rule
	sessions int
}

func newPack(p *C.gantry_pack) (*Pack, error) {
	pk := &Pack{p: p}
	n := int(C.gantry_pack_rule_count(p))
	for i := 0; i < n; i++ {
		var info C.gantry_rule_info
		if err := statusError(C.gantry_pack_rule_info(p, C.size_t(i), &info), "rule info"); err != nil {
			C.gantry_pack_free(p)
			return nil, err
		}
		r := Rule{Index: i, ID: C.GoString(info.id), Name: C.GoString(C.gantry_pack_rule_name(p, C.size_t(i))),
			Title: C.GoString(info.title), Level: Levels[info.level], Status: C.GoString(info.status),
			Description: C.GoString(info.description)}
		for t := 0; t < int(info.tag_count); t++ {
			r.Tags = append(r.Tags, C.GoString(C.gantry_pack_rule_tag(p, C.size_t(i), C.size_t(t))))
		}
		pk.rules = append(pk.rules, r)
	}
	return pk, nil
}

// LoadPack loads a pack file.
func LoadPack(path string) (*Pack, error) {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var p *C.gantry_pack
	var errbuf [512]C.char
	if code := C.gantry_pack_load_file(cpath, &p, &errbuf[0], C.size_t(len(errbuf))); code != C.GANTRY_OK {
		e := statusError(code, path).(*Error)
		e.Message = path + ": " + C.GoString(&errbuf[0])
		return nil, e
	}
	return newPack(p)
}

// PackFromBytes loads a pack image; the loader keeps no reference to image.
func PackFromBytes(image []byte) (*Pack, error) {
	var p *C.gantry_pack
	var errbuf [512]C.char
	var data unsafe.Pointer
	if len(image) > 0 {
		data = unsafe.Pointer(&image[0])
	}
	if code := C.gantry_pack_load_buffer(data, C.size_t(len(image)), &p, &errbuf[0],
		C.size_t(len(errbuf))); code != C.GANTRY_OK {
		e := statusError(code, "pack").(*Error)
		e.Message = "pack: " + C.GoString(&errbuf[0])
		return nil, e
	}
	return newPack(p)
}

// Rules lists the pack's rules.
func (pk *Pack) Rules() ([]Rule, error) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.p == nil {
		return nil, ErrClosed
	}
	return pk.rules, nil
}

// CorrelationCount is the number of correlations in the pack.
func (pk *Pack) CorrelationCount() (int, error) {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.p == nil {
		return 0, ErrClosed
	}
	return int(C.gantry_pack_correlation_count(pk.p)), nil
}

// Close frees the pack; its sessions must be closed first.
func (pk *Pack) Close() error {
	pk.mu.Lock()
	defer pk.mu.Unlock()
	if pk.p == nil {
		return nil
	}
	if pk.sessions > 0 {
		return &Error{Status: "E_ARG", Message: fmt.Sprintf("pack has %d open sessions", pk.sessions)}
	}
	C.gantry_pack_free(pk.p)
	pk.p = nil
	return nil
}

// Diagnostic is one compiler message.
type Diagnostic struct {
	File                 string
	Line, Column, Length int
	Severity             string // "error", "warning" or "note"
	Code, Message        string
}

func (d Diagnostic) String() string {
	return fmt.Sprintf("%s:%d:%d: %s[%s]: %s", d.File, d.Line, d.Column, d.Severity, d.Code, d.Message)
}

// Source is rule text with the name diagnostics use for it.
type Source struct {
	Name, Text string
}

// CompileOptions lists what to compile: native rule text, Sigma YAML, and
// files or directories, with placeholder definitions ("name=value").
type CompileOptions struct {
	Rules   []Source
	Sigma   []Source
	Paths   []string
	Defines []string
}

// Compile compiles rules into a pack. The diagnostics (warnings too) come
// back either way; on errors the error is an *Error carrying them.
func Compile(opts CompileOptions) (*Pack, []Diagnostic, error) {
	var c *C.gantry_compiler
	if err := statusError(C.gantry_compiler_new(&c), "compiler"); err != nil {
		return nil, nil, err
	}
	defer C.gantry_compiler_free(c)
	add := func(f func(*C.char) C.gantry_status, s string, what string) error {
		cs := C.CString(s)
		defer C.free(unsafe.Pointer(cs))
		return statusError(f(cs), what)
	}
	for _, d := range opts.Defines {
		if err := add(func(s *C.char) C.gantry_status { return C.gantry_compiler_define(c, s) }, d, "define"); err != nil {
			return nil, nil, err
		}
	}
	addText := func(src Source, sigma bool) error {
		name := C.CString(src.Name)
		defer C.free(unsafe.Pointer(name))
		text := C.CString(src.Text)
		defer C.free(unsafe.Pointer(text))
		if sigma {
			return statusError(C.gantry_compiler_add_sigma(c, name, text, C.size_t(len(src.Text))), "sigma")
		}
		return statusError(C.gantry_compiler_add_rules(c, name, text, C.size_t(len(src.Text))), "rules")
	}
	for _, s := range opts.Rules {
		if err := addText(s, false); err != nil {
			return nil, nil, err
		}
	}
	for _, s := range opts.Sigma {
		if err := addText(s, true); err != nil {
			return nil, nil, err
		}
	}
	for _, p := range opts.Paths {
		if err := add(func(s *C.char) C.gantry_status { return C.gantry_compiler_add_path(c, s) }, p, "path"); err != nil {
			return nil, nil, err
		}
	}
	var image unsafe.Pointer
	var size C.size_t
	code := C.gantry_compiler_compile(c, &image, &size)
	var diags []Diagnostic
	for i := 0; i < int(C.gantry_compiler_diagnostic_count(c)); i++ {
		d := C.gantry_compiler_diagnostic(c, C.size_t(i))
		sev := []string{"error", "warning", "note"}[int(d.severity)%3]
		diags = append(diags, Diagnostic{File: C.GoString(d.file), Line: int(d.line), Column: int(d.column),
			Length: int(d.length), Severity: sev, Code: C.GoString(d.code), Message: C.GoString(d.message)})
	}
	if code != C.GANTRY_OK {
		e := statusError(code, "rules do not compile").(*Error)
		for _, d := range diags {
			if d.Severity == "error" {
				e.Message += "; " + d.String()
			}
		}
		e.Diagnostics = diags
		return nil, diags, e
	}
	defer C.gantry_compiler_buffer_free(image)
	pk, err := PackFromBytes(C.GoBytes(image, C.int(size)))
	return pk, diags, err
}

func goValue(v *C.gantry_value) interface{} {
	switch v._type {
	case C.GANTRY_VALUE_STRING:
		return C.GoStringN(v.text, C.int(v.len))
	case C.GANTRY_VALUE_NUMBER:
		n := float64(v.number)
		if n == math.Trunc(n) && math.Abs(n) < 1<<53 {
			return int64(n)
		}
		return n
	case C.GANTRY_VALUE_BOOL:
		return v.number != 0
	case C.GANTRY_VALUE_NULL:
		return nil
	case C.GANTRY_VALUE_OBJECT:
		return map[string]interface{}{}
	default:
		return []interface{}{}
	}
}

func eventValues(ev *C.gantry_event, path string) []interface{} {
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	n := C.gantry_event_get(ev, cpath, nil, 0)
	if n == 0 {
		return nil
	}
	buf := (*C.gantry_value)(C.calloc(n, C.size_t(unsafe.Sizeof(C.gantry_value{}))))
	defer C.free(unsafe.Pointer(buf))
	C.gantry_event_get(ev, cpath, buf, n)
	out := make([]interface{}, 0, int(n))
	for i := 0; i < int(n); i++ {
		out = append(out, goValue(C.gantry_go_value(buf, C.size_t(i))))
	}
	return out
}

// Event is a parsed JSON event, read with the paths rules use.
type Event struct {
	mu sync.Mutex
	ev *C.gantry_event
}

// ParseEvent parses a JSON object.
func ParseEvent(json string) (*Event, error) {
	cs := C.CString(json)
	defer C.free(unsafe.Pointer(cs))
	var ev *C.gantry_event
	if err := statusError(C.gantry_event_parse(cs, C.size_t(len(json)), &ev), "event"); err != nil {
		return nil, err
	}
	return &Event{ev: ev}, nil
}

// Get returns every value of path (nil when absent).
func (e *Event) Get(path string) ([]interface{}, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ev == nil {
		return nil, ErrClosed
	}
	return eventValues(e.ev, path), nil
}

// Close frees the event.
func (e *Event) Close() {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.ev != nil {
		C.gantry_event_free(e.ev)
		e.ev = nil
	}
}
