// Package cause finds the likely cause of a failed CI job in its log: a short excerpt (by default
// at most 10 non-blank lines, in one or two blocks) most likely to hold the reason the job failed.
// It is what the check run shows when no pattern explains a failure, and what
// `totto scan --format json` emits as "likely_cause", so people get a useful answer even before
// anybody has written a pattern for their failure.
//
// The Finder reads a log as a stream and keeps bounded state: a short tail window, and a bounded
// set of scored candidate lines, each with a small window of context. Candidates are scored by
// rules that recognise failure markers of common ecosystems (test runners, compilers, build tools,
// CI systems) and boilerplate that merely repeats that something failed; their position relative
// to the end of the failing step then decides which one explains the failure.
package cause

// Excerpt is the likely-cause excerpt of a log. It exists so that every consumer (check run,
// JSON output, web UI) shows the same lines with the same canonical line numbers.
type Excerpt struct {
	// Ranges are 1-based inclusive canonical line ranges, in ascending order and disjoint.
	Ranges [][2]int
	// Lines are the texts of every line inside Ranges, in order (blank lines included).
	Lines []string
	// Cause is the number of the line that most likely states the failure (the best-scoring
	// candidate, inside Ranges), so a one-line summary quotes it rather than the excerpt's first
	// line; 0 when the log had no candidate and the excerpt is just its tail.
	Cause int
}

// StartLine is the first line of the excerpt (0 when the excerpt is empty); together with EndLine
// it is the single-range form of "likely_cause" that older consumers read.
func (e Excerpt) StartLine() int {
	if len(e.Ranges) == 0 {
		return 0
	}
	return e.Ranges[0][0]
}

// EndLine is the last line of the excerpt (0 when the excerpt is empty).
func (e Excerpt) EndLine() int {
	if len(e.Ranges) == 0 {
		return 0
	}
	return e.Ranges[len(e.Ranges)-1][1]
}

// Empty reports whether the excerpt has no lines, which happens only for an empty log.
func (e Excerpt) Empty() bool { return len(e.Ranges) == 0 }
