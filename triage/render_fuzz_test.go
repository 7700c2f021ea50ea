package triage

import (
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/totto-ci/totto/patterns"
)

var linkDest = regexp.MustCompile(`\]\(https?://[^)\s]*\)`)

// FuzzRenderInert renders arbitrary job names, pattern names, descriptions and log lines and checks
// that nothing but totto's own markup survives outside code: no HTML tag, no link to anything but
// http(s), no mention, no issue reference; and that the structure stays valid.
func FuzzRenderInert(f *testing.F) {
	f.Add("build (ubuntu)", "apt", "see https://x.test/1", "E: Hash Sum mismatch", "https://github.com/o/r/actions/runs/1/job/2")
	f.Add("<script>", "](javascript:x)", "@me #1 GH-2", "``` | `a` \\|", "javascript:alert(1)")
	f.Add("a\nb\r\x00", "*_~", "<!-- x -->", "-----BEGIN RSA PRIVATE KEY-----", "")
	f.Fuzz(func(t *testing.T, job, pattern, desc, line, url string) {
		r := failed(job, patterns.Match{PatternID: 5, Pattern: pattern, Tags: []string{"flaky", pattern}, Line: 2, Text: line})
		r.URL = url
		r.Context = Excerpt{Ranges: [][2]int{{1, 3}}, Lines: []string{line, line, desc}}
		other := failed(line)
		other.Cause = Excerpt{Ranges: [][2]int{{1, 2}}, Lines: []string{job, line}}
		rep := Triage(Input{Runs: []Run{r, other}, Patterns: map[int64]PatternInfo{5: {Name: pattern, Tags: []string{"known-problem"}, Description: desc}},
			Annotations: []Annotation{{JobGlob: line, Reason: desc, Who: job, Covers: true}}})
		out := Render(rep, RenderOptions{DetailsURL: "https://totto.example/c", MaxBytes: 4000})
		if len(out.Summary) > 4000 || !utf8.ValidString(out.Summary) {
			t.Fatalf("summary of %d bytes or invalid UTF-8", len(out.Summary))
		}
		checkMarkdown(t, out.Summary)
		rest := stripCode(out.Summary)
		for _, tag := range []string{"<details>", "</details>", "<summary>", "</summary>", "<b>", "</b>"} {
			rest = strings.ReplaceAll(rest, tag, "")
		}
		if strings.Contains(rest, "<") {
			t.Fatalf("raw '<' outside code:\n%s", out.Summary)
		}
		for i := strings.Index(rest, "]("); i >= 0; i = strings.Index(rest, "](") {
			if !strings.HasPrefix(rest[i+2:], "https://") && !strings.HasPrefix(rest[i+2:], "http://") {
				t.Fatalf("link to something other than http(s):\n%s", out.Summary)
			}
			rest = rest[i+2:]
		}
		rest = linkDest.ReplaceAllString(rest, "]()")
		if i := strings.Index(rest, "@"); i >= 0 && !strings.HasPrefix(rest[i+1:], zwj) {
			t.Fatalf("live mention:\n%s", out.Summary)
		}
		if mentionRE.MatchString(strings.ReplaceAll(rest, "@"+zwj, "")) {
			t.Fatalf("live reference:\n%s", out.Summary)
		}
	})
}
