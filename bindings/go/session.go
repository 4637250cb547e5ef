// SPDX-License-Identifier: Apache-2.0

package gantry

/*
#include <stdint.h>
#include <stdlib.h>
#include "gantry.h"

gantry_status gantry_go_session_new(const gantry_pack *pack, int format, uintptr_t handle,
                                    gantry_session **session);
const gantry_field_values *gantry_go_field(const gantry_rule_match *m, size_t i);
const gantry_value *gantry_go_value(const gantry_value *values, size_t i);
const char *gantry_go_string(const char *const *strings, size_t i);
const gantry_corr_event *gantry_go_corr_event(const gantry_corr_match *m, size_t i);
*/
import "C"

import (
	"context"
	"fmt"
	"io"
	"runtime/cgo"
	"unsafe"
)

// CorrelationEvent is one event behind a correlation match.
type CorrelationEvent struct {
	Source        string
	Line          uint64
	Rule          int // rule index (a correlation index when IsCorrelation)
	IsCorrelation bool
}

// Correlation is a correlation's match.
type Correlation struct {
	ID, Name, Title, Level, Type string
	Group                        map[string]string
	Value                        float64
	Events                       []CorrelationEvent
}

// Match is a rule's match (Kind "rule") or a correlation's (Kind
// "correlation", with Correlation set).
type Match struct {
	Kind     string
	Rule     *Rule
	Source   string
	Line     uint64 // first input line of the event
	LastLine uint64 // last one (differs when lines were joined)
	// Fields maps each field the rule read to its values in the event.
	Fields      map[string][]interface{}
	EventJSON   string
	Correlation *Correlation
}

// Event parses the match's event for reading other paths; Close it after.
func (m *Match) Event() (*Event, error) { return ParseEvent(m.EventJSON) }

// Stats counts what a session saw.
type Stats struct {
	Lines, Events, Blank, Malformed, Matches, CorrelationMatches, MatchErrors uint64
}

// SessionOptions: Format is one of Formats ("" = auto); MinLevel one of
// Levels ("" = all); Source names the first input.
type SessionOptions struct {
	Format, MinLevel, Source string
}

// Session reads raw input and reports matches; one goroutine at a time.
type Session struct {
	pack   *Pack
	s      *C.gantry_session
	handle cgo.Handle
	out    []Match
	err    error
}

// NewSession makes a session over pack.
func NewSession(pack *Pack, opts SessionOptions) (*Session, error) {
	if pack == nil {
		return nil, &Error{Status: "E_ARG", Message: "NewSession: nil pack"}
	}
	format := 0
	if opts.Format != "" {
		format = -1
		for i, f := range Formats {
			if f == opts.Format {
				format = i
			}
		}
		if format < 0 {
			return nil, &Error{Status: "E_ARG", Message: "unknown format " + opts.Format}
		}
	}
	pack.mu.Lock()
	defer pack.mu.Unlock()
	if pack.p == nil {
		return nil, ErrClosed
	}
	s := &Session{pack: pack}
	s.handle = cgo.NewHandle(s)
	if err := statusError(C.gantry_go_session_new(pack.p, C.int(format), C.uintptr_t(s.handle), &s.s),
		"session"); err != nil {
		s.handle.Delete()
		return nil, err
	}
	pack.sessions++
	if opts.MinLevel != "" {
		if err := s.SetMinLevel(opts.MinLevel); err != nil {
			s.closeLocked()
			return nil, err
		}
	}
	if opts.Source != "" {
		if _, err := s.SetSource(opts.Source); err != nil {
			s.closeLocked()
			return nil, err
		}
	}
	return s, nil
}

//export goRuleMatch
func goRuleMatch(m *C.gantry_rule_match, h C.uintptr_t) C.int {
	s := cgo.Handle(h).Value().(*Session)
	idx := int(m.rule.index)
	if idx >= len(s.pack.rules) {
		s.err = fmt.Errorf("gantry: rule index %d out of range", idx)
		return 0
	}
	fields := make(map[string][]interface{})
	for i := 0; i < int(m.field_count); i++ {
		f := C.gantry_go_field(m, C.size_t(i))
		if f.count == 0 {
			continue
		}
		vals := make([]interface{}, 0, int(f.count))
		for j := 0; j < int(f.count); j++ {
			vals = append(vals, goValue(C.gantry_go_value(f.values, C.size_t(j))))
		}
		fields[C.GoString(f.path)] = vals
	}
	s.out = append(s.out, Match{Kind: "rule", Rule: &s.pack.rules[idx], Source: C.GoString(m.source),
		Line: uint64(m.first_line), LastLine: uint64(m.last_line), Fields: fields,
		EventJSON: C.GoString(C.gantry_session_event_json(m.session))})
	return 0
}

//export goCorrMatch
func goCorrMatch(m *C.gantry_corr_match, h C.uintptr_t) {
	s := cgo.Handle(h).Value().(*Session)
	info := m.correlation
	c := &Correlation{ID: C.GoString(info.id), Name: C.GoString(info.name), Title: C.GoString(info.title),
		Level: Levels[info.level], Type: C.GoString(info._type), Group: map[string]string{},
		Value: float64(m.value)}
	for i := 0; i < int(m.group_count); i++ {
		c.Group[C.GoString(C.gantry_go_string(m.group_fields, C.size_t(i)))] =
			C.GoString(C.gantry_go_string(m.group_values, C.size_t(i)))
	}
	for i := 0; i < int(m.event_count); i++ {
		e := C.gantry_go_corr_event(m, C.size_t(i))
		c.Events = append(c.Events, CorrelationEvent{Source: C.GoString(e.file), Line: uint64(e.line),
			Rule: int(e.rule), IsCorrelation: e.is_correlation != 0})
	}
	s.out = append(s.out, Match{Kind: "correlation", Correlation: c})
}

func (s *Session) live() error {
	if s.s == nil {
		return ErrClosed
	}
	if s.pack.p == nil {
		return ErrClosed
	}
	return nil
}

// call runs one feeding call and returns the matches it completed.
func (s *Session) call(what string, f func() C.gantry_status) ([]Match, error) {
	if err := s.live(); err != nil {
		return nil, err
	}
	s.out, s.err = nil, nil
	code := f()
	out, err := s.out, s.err
	s.out, s.err = nil, nil
	if err != nil {
		return out, err
	}
	if code != C.GANTRY_OK && code != C.GANTRY_E_EVENT {
		return out, statusError(code, what)
	}
	return out, nil
}

// Feed gives bytes in any chunking; lines are split at '\n'.
func (s *Session) Feed(data []byte) ([]Match, error) {
	return s.call("feed", func() C.gantry_status {
		if len(data) == 0 {
			return C.GANTRY_OK
		}
		return C.gantry_session_feed(s.s, unsafe.Pointer(&data[0]), C.size_t(len(data)))
	})
}

// FeedLine gives one line without its newline.
func (s *Session) FeedLine(line string) ([]Match, error) {
	return s.Feed(append([]byte(line), '\n'))
}

// Finish ends the current source.
func (s *Session) Finish() ([]Match, error) {
	return s.call("finish", func() C.gantry_status { return C.gantry_session_finish(s.s) })
}

// Flush ends the input: finish, and close every correlation window.
func (s *Session) Flush() ([]Match, error) {
	return s.call("flush", func() C.gantry_status { return C.gantry_session_flush(s.s) })
}

// SetSource finishes the current source and starts the next (lines from 1).
func (s *Session) SetSource(name string) ([]Match, error) {
	cs := C.CString(name)
	defer C.free(unsafe.Pointer(cs))
	return s.call("source", func() C.gantry_status { return C.gantry_session_set_source(s.s, cs) })
}

// SetMinLevel reports only rules of this level or above.
func (s *Session) SetMinLevel(level string) error {
	if err := s.live(); err != nil {
		return err
	}
	for i, l := range Levels {
		if l == level {
			return statusError(C.gantry_session_set_min_level(s.s, C.gantry_level(i)), "min level")
		}
	}
	return &Error{Status: "E_ARG", Message: "unknown level " + level}
}

// Selector picks rules for Enable and Disable.
type Selector int

// Selectors, as in gantry_matcher_select.
const (
	All Selector = iota
	ByID
	ByName
	ByTag
	ByLevel
	ByMinLevel
)

func (s *Session) sel(by Selector, value string, enable int) (int, error) {
	if err := s.live(); err != nil {
		return 0, err
	}
	var cv *C.char
	if by != All {
		cv = C.CString(value)
		defer C.free(unsafe.Pointer(cv))
	}
	var n C.size_t
	err := statusError(C.gantry_matcher_select(C.gantry_session_matcher(s.s), C.gantry_select_by(by), cv,
		C.int(enable), &n), "select")
	return int(n), err
}

// Enable turns the selected rules on; returns how many were selected.
func (s *Session) Enable(by Selector, value string) (int, error) { return s.sel(by, value, 1) }

// Disable turns the selected rules off (they neither match nor feed correlations).
func (s *Session) Disable(by Selector, value string) (int, error) { return s.sel(by, value, 0) }

// Stats returns the session's counters.
func (s *Session) Stats() (Stats, error) {
	if err := s.live(); err != nil {
		return Stats{}, err
	}
	var st C.gantry_session_stats
	if err := statusError(C.gantry_session_get_stats(s.s, &st), "stats"); err != nil {
		return Stats{}, err
	}
	return Stats{uint64(st.lines), uint64(st.events), uint64(st.blank), uint64(st.malformed),
		uint64(st.matches), uint64(st.correlation_matches), uint64(st.match_errors)}, nil
}

// Scan reads r to its end, calling fn for each match as soon as the event
// behind it is complete, then flushes the session. It stops between chunks
// when ctx is done (returning ctx.Err()) or when fn returns an error.
func (s *Session) Scan(ctx context.Context, r io.Reader, fn func(Match) error) error {
	buf := make([]byte, 64<<10)
	emit := func(ms []Match, err error) error {
		for _, m := range ms {
			if e := fn(m); e != nil {
				return e
			}
		}
		return err
	}
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		n, rerr := r.Read(buf)
		if n > 0 {
			if err := emit(s.Feed(buf[:n])); err != nil {
				return err
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return rerr
		}
	}
	return emit(s.Flush())
}

func (s *Session) closeLocked() {
	if s.s != nil {
		C.gantry_session_free(s.s)
		s.s = nil
		s.handle.Delete()
		s.pack.sessions--
	}
}

// Close frees the session.
func (s *Session) Close() error {
	s.pack.mu.Lock()
	defer s.pack.mu.Unlock()
	s.closeLocked()
	return nil
}
