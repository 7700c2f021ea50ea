package cause

import (
	"errors"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

func fingerprintOfText(text string) *Fingerprint {
	b := NewFingerprintBuilder()
	r := logs.NewReader(strings.NewReader(text))
	for r.Next() {
		b.Add(r.Line())
	}
	return b.Fingerprint()
}

func excerptOfText(text string, opts Options) Excerpt {
	f := NewFinder(opts)
	r := logs.NewReader(strings.NewReader(text))
	for r.Next() {
		f.Add(r.Line())
	}
	return f.Excerpt()
}

// Volatile parts (timestamps, durations, counters, ids, temporary names) do not tell two runs
// apart; words do.
func TestMaskVolatile(t *testing.T) {
	same := [][2]string{
		{"ok  \tgithub.com/acme/store\t0.412s", "ok  \tgithub.com/acme/store\t1.907s"},
		{"Listening on 127.0.0.1:43121", "Listening on 127.0.0.1:39877"},
		{"wrote /tmp/tmpa1b2c3/out.json (commit 3f9c2e1)", "wrote /tmp/tmpz9y8x7/out.json (commit 0be41d7)"},
		{"  [12/340] Compiling foo", "  [13/340] Compiling foo"},
	}
	for _, p := range same {
		_, a, _ := lineHash(nil, []byte(p[0]))
		_, b, _ := lineHash(nil, []byte(p[1]))
		if a != b {
			t.Errorf("%q and %q hash apart", p[0], p[1])
		}
	}
	_, a, _ := lineHash(nil, []byte("--- PASS: TestParse (0.00s)"))
	_, b, _ := lineHash(nil, []byte("--- FAIL: TestParse (0.00s)"))
	if a == b {
		t.Error("PASS and FAIL lines hash together")
	}
	if _, _, ok := lineHash(nil, []byte("   ")); ok {
		t.Error("a blank line has a hash")
	}
}

// With the job's passing log as history, the line the passing run never printed is the cause,
// even where the single-log finder prefers a louder line that every run prints.
func TestHistoryPrefersNovelLines(t *testing.T) {
	common := []string{
		"Run make test",
		"WARNING: the cache backend failed to respond, continuing without it",
		"ERROR: optional plugin foo not installed (ignored)",
	}
	var pass, fail []string
	pass = append(pass, common...)
	fail = append(fail, common...)
	for i := range 30 {
		pass = append(pass, "test case "+string(rune('a'+i%26))+" ... ok")
		fail = append(fail, "test case "+string(rune('a'+i%26))+" ... ok")
	}
	pass = append(pass, "all done in 12.3s")
	fail = append(fail, "checksum of build/out.bin differs from the recorded one", "all done in 14.9s", "Error: Process completed with exit code 2.")
	failLog := strings.Join(fail, "\n") + "\n"
	passLog := strings.Join(pass, "\n") + "\n"

	alone := excerptOfText(failLog, Options{Budget: 3})
	withHistory := excerptOfText(failLog, Options{Budget: 3, History: fingerprintOfText(passLog)})
	const cause = 34 // "checksum … differs"
	if withHistory.Cause != cause {
		t.Fatalf("with history: Cause = %d (%q), want %d", withHistory.Cause, withHistory.Lines, cause)
	}
	if alone.Cause == cause {
		t.Fatalf("without history the finder already finds line %d; the test shows nothing", cause)
	}
	// An empty history (a job whose green log printed nothing) leaves every line novel, which
	// must not break the single-log choice of a strong line.
	if ex := excerptOfText(failLog, Options{Budget: 3, History: fingerprintOfText("")}); ex.Empty() {
		t.Fatal("empty history: empty excerpt")
	}
}

func TestFingerprintRoundTrip(t *testing.T) {
	fp := fingerprintOfText("alpha\nbeta 12\n\nbeta 13\ngamma\n")
	if fp.Len() != 3 {
		t.Fatalf("Len = %d, want 3 (beta 12 and beta 13 mask alike, blank lines are left out)", fp.Len())
	}
	data, err := fp.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	var back Fingerprint
	if err := back.UnmarshalBinary(data); err != nil {
		t.Fatal(err)
	}
	if back.Len() != fp.Len() {
		t.Fatalf("round trip: %d lines, want %d", back.Len(), fp.Len())
	}
	for _, h := range fp.hashes {
		if !back.has(h) {
			t.Fatalf("round trip lost %x", h)
		}
	}
	bad := map[string][]byte{
		"empty":     nil,
		"truncated": data[:len(data)-1],
		"trailing":  append(append([]byte{}, data...), 0),
		"huge":      {fingerprintVersion, 0xff, 0xff, 0xff, 0xff, 0x0f},
		"repeated":  {fingerprintVersion, 2, 5, 0},
	}
	for name, b := range bad {
		if err := new(Fingerprint).UnmarshalBinary(b); err == nil {
			t.Errorf("%s: decoded without error", name)
		}
	}
	old := append([]byte{fingerprintVersion + 1}, data[1:]...)
	if err := new(Fingerprint).UnmarshalBinary(old); !errors.Is(err, ErrFingerprintVersion) {
		t.Errorf("other version: err = %v, want ErrFingerprintVersion", err)
	}
}

// The cause line of a go test failure is the assertion message, not "--- FAIL: TestX".
func TestCauseLineIsTheAssertion(t *testing.T) {
	log := strings.Join([]string{
		"=== RUN   TestParse",
		"--- FAIL: TestParse (0.00s)",
		"    parse_test.go:41: Parse(\"\") = 3, want 0",
		"FAIL",
		"FAIL\tgithub.com/acme/parse\t0.004s",
		"Error: Process completed with exit code 1.",
	}, "\n") + "\n"
	ex := excerptOfText(log, Options{})
	if ex.Cause != 3 {
		t.Fatalf("Cause = %d, want 3 (the assertion); excerpt %v %q", ex.Cause, ex.Ranges, ex.Lines)
	}
}
