// SPDX-License-Identifier: Apache-2.0

package gantry

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

const rules = `
rule exec_into_pod {
    id: "11111111-1111-4111-8111-111111111111"
    title: "Exec into a pod"
    level: medium
    status: test
    tags: [attack.t1609, test.exec]
    condition: verb: "create" and objectRef.subresource: "exec"
}
rule forbidden {
    id: "22222222-2222-4222-8222-222222222222"
    title: "Forbidden request"
    level: low
    condition: responseStatus.code: 403
}
`

var events = []byte(`{"verb":"create","objectRef":{"resource":"pods","subresource":"exec"},"responseStatus":{"code":201},"user":{"username":"alice"}}
{"verb":"get","responseStatus":{"code":403}}
not json
{"verb":"create","objectRef":{"subresource":"exec"},"responseStatus":{"code":403}}
`)

type hit struct {
	Line uint64
	Name string
}

func hits(ms []Match) []hit {
	var out []hit
	for _, m := range ms {
		if m.Kind == "rule" {
			out = append(out, hit{m.Line, m.Rule.Name})
		}
	}
	return out
}

func compile(t *testing.T) *Pack {
	t.Helper()
	pk, _, err := Compile(CompileOptions{Rules: []Source{{"mem.gantry", rules}}})
	if err != nil {
		t.Fatal(err)
	}
	return pk
}

func feedAll(t *testing.T, s *Session, data []byte) []Match {
	t.Helper()
	a, err := s.Feed(data)
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Flush()
	if err != nil {
		t.Fatal(err)
	}
	return append(a, b...)
}

func TestMatchesMetadataValues(t *testing.T) {
	pk := compile(t)
	defer pk.Close()
	rs, err := pk.Rules()
	if err != nil || len(rs) != 2 || rs[0].Name != "exec_into_pod" || rs[0].Level != "medium" ||
		rs[0].Status != "test" || !reflect.DeepEqual(rs[0].Tags, []string{"attack.t1609", "test.exec"}) {
		t.Fatalf("rules: %+v %v", rs, err)
	}
	s, err := NewSession(pk, SessionOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ms := feedAll(t, s, events)
	want := []hit{{1, "exec_into_pod"}, {2, "forbidden"}, {4, "exec_into_pod"}, {4, "forbidden"}}
	if got := hits(ms); !reflect.DeepEqual(got, want) {
		t.Fatalf("matches %v, want %v", got, want)
	}
	if !reflect.DeepEqual(ms[0].Fields, map[string][]interface{}{"verb": {"create"}, "objectRef.subresource": {"exec"}}) {
		t.Fatalf("fields %v", ms[0].Fields)
	}
	if !reflect.DeepEqual(ms[1].Fields, map[string][]interface{}{"responseStatus.code": {int64(403)}}) {
		t.Fatalf("fields %v", ms[1].Fields)
	}
	ev, err := ms[0].Event()
	if err != nil {
		t.Fatal(err)
	}
	if v, _ := ev.Get("user.username"); !reflect.DeepEqual(v, []interface{}{"alice"}) {
		t.Fatalf("event value %v", v)
	}
	ev.Close()
	if _, err := ev.Get("verb"); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed event: %v", err)
	}
	st, _ := s.Stats()
	if st.Malformed != 1 || st.Events != 3 || st.Matches != 4 {
		t.Fatalf("stats %+v", st)
	}
}

func TestChunksAndMasks(t *testing.T) {
	pk := compile(t)
	defer pk.Close()
	s, _ := NewSession(pk, SessionOptions{})
	defer s.Close()
	var all []Match
	for i := 0; i < len(events); i += 3 {
		end := i + 3
		if end > len(events) {
			end = len(events)
		}
		ms, err := s.Feed(events[i:end])
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, ms...)
	}
	fin, _ := s.Finish()
	all = append(all, fin...)
	if len(hits(all)) != 4 {
		t.Fatalf("chunked: %v", hits(all))
	}
	if n, err := s.Disable(ByTag, "test.exec"); n != 1 || err != nil {
		t.Fatalf("disable: %d %v", n, err)
	}
	s.SetSource("second")
	got := hits(feedAll(t, s, events))
	if !reflect.DeepEqual(got, []hit{{2, "forbidden"}, {4, "forbidden"}}) {
		t.Fatalf("masked: %v", got)
	}
	if _, err := s.Disable(ByLevel, "severe"); err == nil {
		t.Fatal("unknown level accepted")
	}
	if n, _ := s.Enable(All, ""); n != 2 {
		t.Fatalf("enable all: %d", n)
	}
}

func TestScanHonoursContext(t *testing.T) {
	pk := compile(t)
	defer pk.Close()
	s, _ := NewSession(pk, SessionOptions{})
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Scan(ctx, bytes.NewReader(events), func(Match) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled scan: %v", err)
	}
	// a callback error stops the scan
	stop := errors.New("enough")
	n := 0
	err := s.Scan(context.Background(), bytes.NewReader(events), func(Match) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Fatalf("stop: %v after %d", err, n)
	}
	s.SetSource("again")
	n = 0
	if err := s.Scan(context.Background(), bytes.NewReader(events), func(Match) error { n++; return nil }); err != nil || n != 4 {
		t.Fatalf("scan: %v, %d matches", err, n)
	}
}

func TestCompileDiagnosticsAndSigma(t *testing.T) {
	_, diags, err := Compile(CompileOptions{Rules: []Source{{"bad.gantry", "rule broken {\n    condition: verb ==\n}\n"}}})
	var ge *Error
	if !errors.As(err, &ge) || len(diags) == 0 || diags[0].File != "bad.gantry" || diags[0].Line != 2 ||
		diags[0].Severity != "error" || !strings.HasPrefix(diags[0].Code, "E") {
		t.Fatalf("diagnostics: %v %+v", err, diags)
	}
	yaml := "title: Exec\nid: 33333333-3333-4333-8333-333333333333\nlevel: high\n" +
		"logsource:\n  product: kubernetes\n  service: audit\n" +
		"detection:\n  sel:\n    verb: create\n    objectRef.subresource: exec\n  condition: sel\n"
	pk, _, err := Compile(CompileOptions{Sigma: []Source{{"exec.yml", yaml}}})
	if err != nil {
		t.Fatal(err)
	}
	defer pk.Close()
	s, _ := NewSession(pk, SessionOptions{Format: "k8s_audit"})
	defer s.Close()
	audit := []byte(`{"kind":"Event","apiVersion":"audit.k8s.io/v1","auditID":"x","stage":"ResponseComplete","verb":"create","objectRef":{"resource":"pods","subresource":"exec"}}` + "\n")
	if ms := feedAll(t, s, audit); len(ms) != 1 || ms[0].Rule.Level != "high" {
		t.Fatalf("sigma matches: %v", ms)
	}
}

func TestCorrelations(t *testing.T) {
	root, _ := filepath.Abs("../..")
	pk, _, err := Compile(CompileOptions{Paths: []string{filepath.Join(root, "rules")}})
	if err != nil {
		t.Fatal(err)
	}
	defer pk.Close()
	path := filepath.Join(root, "corpus", "correlations", "exec_then_download.pos.jsonl")
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, _ := NewSession(pk, SessionOptions{Source: path})
	defer s.Close()
	var corr []*Correlation
	if err := s.Scan(context.Background(), f, func(m Match) error {
		if m.Kind == "correlation" {
			corr = append(corr, m.Correlation)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if len(corr) != 1 || corr[0].Name != "exec_then_download" || len(corr[0].Events) != 2 ||
		corr[0].Events[1].Line != 2 || corr[0].Events[0].Source != path {
		t.Fatalf("correlations: %+v", corr)
	}
}

func TestMisuse(t *testing.T) {
	pk := compile(t)
	s, _ := NewSession(pk, SessionOptions{})
	if err := pk.Close(); err == nil {
		t.Fatal("closed a pack with an open session")
	}
	s.Close()
	s.Close() // twice is fine
	for name, f := range map[string]func() error{
		"feed":    func() error { _, err := s.Feed([]byte("{}\n")); return err },
		"flush":   func() error { _, err := s.Flush(); return err },
		"stats":   func() error { _, err := s.Stats(); return err },
		"disable": func() error { _, err := s.Disable(All, ""); return err },
	} {
		if err := f(); !errors.Is(err, ErrClosed) {
			t.Fatalf("%s on a closed session: %v", name, err)
		}
	}
	if err := pk.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := pk.Rules(); !errors.Is(err, ErrClosed) {
		t.Fatalf("closed pack: %v", err)
	}
	if _, err := NewSession(pk, SessionOptions{}); !errors.Is(err, ErrClosed) {
		t.Fatalf("session on a closed pack: %v", err)
	}
	if _, err := NewSession(nil, SessionOptions{}); err == nil {
		t.Fatal("nil pack accepted")
	}
	pk2 := compile(t)
	defer pk2.Close()
	if _, err := NewSession(pk2, SessionOptions{Format: "syslog"}); err == nil {
		t.Fatal("unknown format accepted")
	}
	if _, err := NewSession(pk2, SessionOptions{MinLevel: "severe"}); err == nil {
		t.Fatal("unknown level accepted")
	}
	// a pack of another format version, and garbage
	dir := t.TempDir()
	img := filepath.Join(dir, "p.gpk")
	if err := os.WriteFile(img, []byte("GANTRYPK\x63\x00\x00\x00"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadPack(img); err == nil {
		t.Fatal("short pack accepted")
	}
	var ge *Error
	if _, err := PackFromBytes(versioned(t, 99)); !errors.As(err, &ge) || ge.Status != "E_VERSION" {
		t.Fatalf("other version: %v", err)
	}
	if _, err := PackFromBytes(nil); err == nil {
		t.Fatal("empty pack accepted")
	}
	if _, err := LoadPack("/nonexistent.gpk"); !errors.As(err, &ge) || ge.Status != "E_IO" {
		t.Fatalf("missing file: %v", err)
	}
	if _, err := ParseEvent("[1]"); !errors.As(err, &ge) || ge.Status != "E_JSON" {
		t.Fatalf("array as event: %v", err)
	}
}

// versioned compiles the test rules with the gantry command and sets the
// pack's format version field.
func versioned(t *testing.T, version byte) []byte {
	t.Helper()
	gantryBin := os.Getenv("GANTRY_BIN")
	if gantryBin == "" {
		t.Skip("GANTRY_BIN not set")
	}
	dir := t.TempDir()
	src := filepath.Join(dir, "r.gantry")
	os.WriteFile(src, []byte(rules), 0o644)
	out := filepath.Join(dir, "r.gpk")
	if err := runCmd(gantryBin, "compile", "-o", out, src); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	b[8] = version
	return b
}

// BenchmarkSession feeds GANTRY_BENCH_INPUT to a session over
// GANTRY_BENCH_PACK once per iteration (bench/bindings.sh).
func BenchmarkSession(b *testing.B) {
	packPath, input := os.Getenv("GANTRY_BENCH_PACK"), os.Getenv("GANTRY_BENCH_INPUT")
	if packPath == "" || input == "" {
		b.Skip("GANTRY_BENCH_PACK and GANTRY_BENCH_INPUT not set")
	}
	pk, err := LoadPack(packPath)
	if err != nil {
		b.Fatal(err)
	}
	defer pk.Close()
	data, err := os.ReadFile(input)
	if err != nil {
		b.Fatal(err)
	}
	var events, matches uint64
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		s, err := NewSession(pk, SessionOptions{})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for at := 0; at < len(data); at += 65536 {
			end := at + 65536
			if end > len(data) {
				end = len(data)
			}
			ms, _ := s.Feed(data[at:end])
			n += len(ms)
		}
		ms, _ := s.Flush()
		n += len(ms)
		st, _ := s.Stats()
		events, matches = st.Events, uint64(n)
		s.Close()
	}
	b.ReportMetric(float64(events), "events")
	b.ReportMetric(float64(matches), "matches")
}
