package command

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// A 100k-line comment is parsed within the line cap: a command past line MaxCommentLines is not
// seen, and the work and memory do not grow with the comment.
func TestParseCommentHugeComment(t *testing.T) {
	filler := strings.Repeat("some ordinary comment text that goes on for a while\n", 100_000)
	late := filler + "/totto rescan\n"
	if cs := Parse(late); len(cs) != 0 {
		t.Fatalf("command on line 100001 was parsed: %+v", cs)
	}
	early := "/totto rescan\n" + filler
	cs := Parse(early)
	if len(cs) != 1 || cs[0].Kind != Rescan {
		t.Fatalf("got %+v, want one rescan", cs)
	}
	small := "/totto rescan\n" + strings.Repeat("some ordinary comment text that goes on for a while\n", MaxCommentLines)
	huge := testing.AllocsPerRun(3, func() { Parse(early) })
	capped := testing.AllocsPerRun(3, func() { Parse(small) })
	if huge > capped+16 {
		t.Fatalf("a 100k-line comment costs %.0f allocations, a %d-line one %.0f: work grows past the cap", huge, MaxCommentLines, capped)
	}
	// One line of 10 MB (no newline) is cut by MaxCommentBytes and dropped, not parsed half.
	if cs := Parse("/totto known-broken lint " + strings.Repeat("y", 10<<20)); len(cs) != 0 {
		t.Fatalf("10 MB line: got %d commands, want the cut line dropped", len(cs))
	}
}

// Invalid UTF-8 in a command never reaches an annotation: the job and reason that come out are
// valid UTF-8 (or the command is refused with a message).
func TestParseCommentInvalidUTF8(t *testing.T) {
	for _, body := range []string{
		"/totto known-broken li\xffnt broken by \xc0\xaf#1",
		"/totto known-broken \"a\xfe b\" \xff",
		"/totto fixed \xed\xa0\x80",
		"/totto \xff",
		"\xff/totto rescan",
	} {
		for _, c := range Parse(body) {
			for _, s := range []string{c.Job, c.Reason, c.Message} {
				if !utf8.ValidString(s) {
					t.Errorf("Parse(%q) = %+v: %q is not valid UTF-8", body, c, s)
				}
			}
		}
	}
}

// A JOB carrying bidirectional controls (which make it display as another name than the one it
// matches) is refused, quoted or not.
func TestJobArgRejectsBidiControls(t *testing.T) {
	for _, job := range []string{"lint\u202e", "\u2066test\u2069", "a\u200fb", "x\u061c"} {
		for _, line := range []string{"/totto known-broken " + job, "/totto fixed \"" + job + "\""} {
			c := ParseLine(line)
			if c.Kind != Invalid || !strings.Contains(c.Message, "bidirectional") {
				t.Errorf("ParseLine(%+q) = %+v, want invalid naming bidirectional controls", line, c)
			}
		}
	}
}
