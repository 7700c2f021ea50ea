// Package testlog finds the failing tests in a CI job's log text: which runner, which test, in
// which file or suite, and the line that states the failure. It is pure (no I/O) and streams: an
// Extractor sees each normalised line once and keeps bounded state whatever the log's size.
//
// Each runner is described by data (runners_*.go): regular expressions for a failing test, a
// passing test, the file or suite context, the failure's headline and the runner's own summary
// count. Where the runner prints a count ("2 failed"), the tests found for that run must add up
// to it; when they do not, the run's tests are withheld and a Mismatch is reported instead, so a
// reader never sees a guessed list.
package testlog

import (
	"bytes"
	"math/bits"
	"sort"

	"github.com/totto-ci/totto/logs"
)

// Test is one failing test of a job.
type Test struct {
	Runner string `json:"runner"`
	Name   string `json:"name"`
	// File is the test's file, package, class or suite, as precise as the runner prints it.
	File string `json:"file"`
	// Line is the 1-based line of the normalised log that states the failure (Text).
	Line int    `json:"line"`
	Text string `json:"text"`
	// PassedInLog is set when the same log also shows the test passing (a runner's own retry,
	// `go test -count`, a rerun in isolation): evidence of flakiness inside one job.
	PassedInLog bool `json:"passed_in_log,omitempty"`
}

// Key identifies a test within a repository's history.
func (t Test) Key() string { return t.Runner + "\x00" + t.File + "\x00" + t.Name }

// Mismatch reports a run whose runner-printed failure count differs from the tests found.
type Mismatch struct {
	Runner    string `json:"runner"`
	Line      int    `json:"line"` // the summary line
	Summary   int    `json:"summary"`
	Extracted int    `json:"extracted"`
}

// Result is what an Extractor found in one log.
type Result struct {
	Tests      []Test     `json:"tests"`
	Mismatches []Mismatch `json:"mismatches,omitempty"`
	// Counted is how many runs printed a failure count that the tests found agree with.
	Counted int `json:"counted"`
	// Truncated is set when the log named more failing tests than MaxTests.
	Truncated bool `json:"truncated,omitempty"`
}

const (
	// MaxTests bounds the failing tests kept per log (per runner state, then overall).
	MaxTests = 500
	// maxText bounds the bytes kept of a headline or a name.
	maxText = 400
	// maxPasses bounds the passing tests remembered per runner (as 8-byte hashes), to mark
	// in-log retries.
	maxPasses = 20000
)

// Extractor runs every runner's parser over a log's lines.
type Extractor struct {
	runs []*runState
	buf  []byte
	prev []byte
	busy uint32 // the runners (bit i: runs[i]) with a test or a section pending
}

// New returns an Extractor for every supported runner.
func New() *Extractor {
	e := &Extractor{}
	for _, s := range specs {
		e.runs = append(e.runs, newRunState(s))
	}
	return e
}

// Add feeds the next line of the log. Progress frames a terminal would overwrite are ignored.
func (e *Extractor) Add(l logs.Line) {
	if l.Overwritten {
		return
	}
	ln := line{num: l.Num, text: stripPrefix(l.Text), prev: e.prev}
	ln.hint = hints.ScanLine(l.Keywords, ln.text, -1)
	ln.trimmed = bytes.TrimSpace(ln.text)
	// Most lines concern no runner, or one or two: those with a hint of theirs in the line, or
	// with a test or section pending.
	for m := e.busy | everyLineRunners | runnersOf(ln.hint); m != 0; m &= m - 1 {
		i := bits.TrailingZeros32(m)
		r := e.runs[i]
		r.line(&ln)
		if r.naming != nil || r.pending != nil || r.inSection {
			e.busy |= 1 << i
		} else {
			e.busy &^= 1 << i
		}
	}
	if len(ln.trimmed) > 0 {
		// Only a rule's "after" expression reads the previous line: a line none of them can
		// match is remembered as empty, which none of them matches either.
		if prevNeeded == nil || prevNeeded[ln.trimmed[0]] {
			e.prev = append(e.prev[:0], ln.trimmed...)
		} else {
			e.prev = e.prev[:0]
		}
	}
}

// AddText feeds one line given as a string (tests, callers without a logs.Reader).
func (e *Extractor) AddText(num int, text string) {
	e.buf = append(e.buf[:0], text...)
	e.Add(logs.Line{Num: num, Text: e.buf})
}

// Result closes every open run and returns the failing tests in log order.
func (e *Extractor) Result() Result {
	var res Result
	for _, r := range e.runs {
		r.finish(&res)
	}
	sort.SliceStable(res.Tests, func(i, j int) bool { return res.Tests[i].Line < res.Tests[j].Line })
	sort.SliceStable(res.Mismatches, func(i, j int) bool { return res.Mismatches[i].Line < res.Mismatches[j].Line })
	if len(res.Tests) > MaxTests {
		res.Tests, res.Truncated = res.Tests[:MaxTests], true
	}
	if res.Tests == nil {
		res.Tests = []Test{}
	}
	return res
}

// Extract is the whole-text convenience: split on "\n" and extract (tests, small inputs).
func Extract(lines []string) Result {
	e := New()
	for i, s := range lines {
		e.AddText(i+1, s)
	}
	return e.Result()
}
