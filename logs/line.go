// Package logs turns raw CI output into normalised lines: ANSI/VT sequences removed, progress
// lines marked, CI markers and timestamp prefixes stripped, and line numbers that match the
// canonical numbering used everywhere in totto (links, stored matches, the excerpt scorer).
//
// # Numbering
//
// Line numbers are fixed by the corpus excerpt scorer (score_excerpts.py normalise) so that a
// number means the same thing in a stored match, a check-run link and an evaluation:
//
//   - every run of CRs followed by LF ("\r+\n") is one break, every other lone CR is a break, and
//     LF is a break; a final empty piece after a trailing break is not a line;
//   - escape sequences are removed after splitting, so "\r\x1b[0K\n" yields two lines (the second
//     empty);
//   - nothing else ever adds or removes a line: markers and timestamps only shorten Text.
//
// # Text
//
// Text is the piece between two breaks, normalised in this order:
//
//  1. invalid UTF-8 is replaced, one U+FFFD per maximal invalid subpart (as Python's
//     errors="replace" does), so Text is always valid UTF-8; a UTF-8 byte-order mark at the very
//     start of the log is dropped;
//  2. ANSI/VT sequences are removed: CSI (ESC [ params intermediates final), OSC (ESC ] … BEL or
//     ESC \), other ESC sequences (charset selection such as ESC ( B, keypad modes) and stray ESC;
//  3. CI markers are removed (see Format): GitHub Actions timestamps "2024-01-02T03:04:05.1234567Z ",
//     "##[group]", "##[endgroup]", "##[error]" and the other "##[name]" prefixes, "[command]" after a
//     timestamp; Travis "travis_fold:…" and "travis_time:…" markers.
//
// A piece ended by a lone "\r" is a progress frame a terminal would overwrite: it keeps its number
// (numbering never changes) and is marked Overwritten, so matchers can skip it and displays can
// hide it. A piece longer than the reader's MaxLine keeps its first MaxLine bytes and is marked
// Truncated; memory stays bounded whatever the input, binary logs included.
//
// # Steps
//
// GitHub Actions job logs do not delimit steps explicitly: each step starts with a group whose
// title begins with "Run " (its header, the step's inputs) and each post step starts with the line
// "Post job cleanup."; the step's output follows outside that group. Other groups ("Getting Git
// version info", user "::group::" sections) are sub-sections of the current step and do not change
// it. Lines before the first step header belong to "Set up job". StepIndex counts steps from 1 the
// way the GitHub UI does, and StepLine is the 1-based "\n"-line within the step (GitHub's viewer
// counts raw lines, like RawLine), so a link to a line is
// https://github.com/OWNER/REPO/actions/runs/RUN/job/JOB#step:StepIndex:StepLine (best effort:
// a step that prints nothing and has no header is not seen). Travis fold names become the Step
// until their fold ends. CircleCI step output is read per step with NewCircleCIReader.
package logs

import "github.com/totto-ci/totto/internal/keywords"

// Line is one normalised line of a log. Text is only valid until the next call to Reader.Next.
type Line struct {
	// Num is the 1-based canonical line number: lines are split on "\r+\n", a lone "\r" and "\n",
	// exactly as the corpus excerpt scorer numbers them, so numbers are comparable across tools.
	Num int
	// Text is the line with escape sequences, CI timestamps and CI markers removed.
	Text []byte
	// Step is the name of the CI step the line belongs to, when the log says (GitHub Actions
	// step headers, CircleCI step names, Travis folds); empty otherwise.
	Step string
	// Overwritten marks a progress frame ended by a lone "\r": a terminal would overwrite it with
	// the next piece, so it is not shown by default and matchers may skip it.
	Overwritten bool
	// Truncated marks a line longer than the reader's limit: Text holds only its first bytes.
	Truncated bool
	// ErrorMarker is set when the CI itself flagged the line (GitHub Actions "##[error]").
	ErrorMarker bool
	// RawLine is the 1-based "\n"-line of the original bytes where this line starts, so links can
	// point at the provider's own line numbering (raw viewers count only "\n").
	RawLine int
	// StepIndex is the 1-based GitHub Actions step number ("Set up job" is 1), for "#step:N:L"
	// links; 0 when the log is not a GitHub Actions job log.
	StepIndex int
	// StepLine is the 1-based "\n"-line within the GitHub Actions step (its header is line 1),
	// the L of "#step:N:L" links; 0 when StepIndex is 0.
	StepLine int
	// Keywords, when set, holds the keywords of Text for every consumer of the line, so that the
	// likely-cause finder and the failing-test extractor scan it once between them. The reader
	// sets it; it is valid, like Text, until the next call to Reader.Next.
	Keywords *keywords.Memo
}
