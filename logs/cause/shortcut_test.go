package cause

import (
	"bytes"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"github.com/totto-ci/totto/internal/keywords"
)

// shortcutLines are lines that probe the edges of the shortcuts: words at the start and end of a
// line, next to path characters and multi-byte characters, inside longer words, and lines longer
// than the scored part or long enough to be scanned as two halves.
func shortcutLines() []string {
	lines := []string{
		"", " ", "warning", "Warning: x", "warnings", "prewarn", "WARN", "WARNING:", "xWARN", "[WARN]",
		"é warn é", "DEPRECATED", "deprecation", "an error", "error.c", "/error", "error-", "errors!",
		"ERRORS", "xerror", "é error", "fail", "failed.", "failed/", "Failing", "FAILURE", "FAILx",
		"not found", "NOT FOUND", "Not foundx", "doesn't", "Doesn'tx", "can't", "CANNOT", "unable to",
		"Unable tox", "Exception", "timed out", "TimeOut", "deadline exceeded", "-Werror", "-Wno-error=x",
		"SKIP", "SKIPPED", "SKIPx", "SKIP it", "  TODO passed", "xfailed", "pendingx", "✓ ok", "  ✔ x",
		"PASS", "PASSED", "PASSx", "ok", "ok\tpkg", "ok x", "okx", "x ... ok", "x ... okay", "3 passed",
		"3 passedx", "a passed", "12 passed in 3s",
		"a.c:3:10: fatal error: x", "a.c:3:10:  error: x", "a.c:3: error x", "fatal error: x",
		"Foo.java:12: error: x", "x(3): error C1: y", "x(3,4): fatal error C1: y", "error TS2322: x",
		"PHP Fatal error: x", "Parse error: x", "Failures: 0, Errors: 0", "0 errors", "failed: 0",
		"FAILED: 0", "Fail: 0", "x: 0", "AssertionError", "assert x failed", "ASSERTION FAILED",
		"Assert.Equal() Failure", "Failed asserting that", "ComparisonFailure", "assertion  failed",
		"[ERROR] x", "  Error: x", "ERR! x", "error x", "[error]", "  1) test x", "1) a.b", "  1) x",
		"  expected: 1", "Expected 1 got 2", "E   x", "E  ", "____ test ____", "FAIL a.js", "  FAIL x.ts",
		"FAIL\tpkg\t0.1s", "FAIL x [a.phpt]", "Failed 1/2 subtests", "Dubious, test returned 1",
		"Traceback (most recent call last)", "  panic: x", "x > y FAILED", "> Task :a FAILED", "FAILED: x",
		"FAILED", "x ERROR!", "x FAILURE \t", "x FAILED!!", "+ exit 1", "++ make", "  raise X", "  'a': {",
		"  a: [", "make: *** x", "gmake[2]: *** y", "=== 1 failed ===", "exit status 1", "Exit code: 2",
		"Post job cleanup.", "Cleaning up", "store build cache", "uploading archive", "Evaluating x cache",
		"The command \"x\" exited with 1.", "\" exited with 2", "Caused by: a.B: x", "a.b.CException: x",
		"ValueError: x", "_x.YError", "travis_fold:start:x", "x travis_time:end:1 y", "travis_x",
		"*** Failed ***", "  FAILED  ", "==== ERROR ====", "=> Failed!", "-- failure --.", "FAILED x",
		"Failed.", "*Error*", "errors", "001+ x", "001- x", "01+ x", "0011+ x", "001+x", "001* x",
		"Exited with code 137", "Exited with code exit status 124", "x\" exited with 143.",
		"Process completed with exit code 124.", "e: A.kt:1:2 x", "e: /a/A.kt: (1, 2): x", "│ Error: x",
		"would reformat a.py", "Would reformat: a.py", "[warn] Code style issues found in 2 files.",
		"    - ERROR | [iOS] x", "ld.lld: error: undefined symbol: x", "due to 2 previous errors",
		"java.lang.X: y", "org.a.BError", "kotlin.KotlinNullPointerException",
		"No errors found.", "no failures", "errors: none", "Errors: 0", "[Errors: 0]", "No errors x",
		"-- Looking for x - not found", "-- Performing Test X - Failed", "--  Looking for x - no",
	}
	// Long lines: a keyword around the cut at maxScoredBytes and around the middle of the line.
	for _, kw := range []string{"error", "Process completed with exit code", "warning", "FAILED", ": 0"} {
		for _, at := range []int{0, 300, 1000, maxScoredBytes - len(kw) + 1, maxScoredBytes - 2, 1500} {
			lines = append(lines, strings.Repeat("x", at)+kw+strings.Repeat(" y", 300))
		}
		for n := 100; n < 200; n += 7 {
			line := strings.Repeat("a", n)
			for at := 0; at+len(kw) <= n; at += 13 {
				lines = append(lines, line[:at]+kw+line[at:])
			}
		}
	}
	return lines
}

// TestScoreRuleMatchesReference checks that scoreRule agrees with the rule-by-rule reference on
// edge cases, on every literal of every rule in random surroundings, and on the ecosystem lines.
func TestScoreRuleMatchesReference(t *testing.T) {
	lines := shortcutLines()
	rng := rand.New(rand.NewPCG(1, 2))
	fillers := []string{" ", "a", "_", ".", "/", "-", "é", "1", "E", ":", "\t", "(", ")", "!", "x", "✓"}
	perLiteral := 8 // random lines around each literal; FuzzScoreRule explores further
	if testing.Short() {
		perLiteral = 2
	}
	for _, ru := range rules {
		for _, n := range ru.need {
			for range perLiteral {
				var b strings.Builder
				for range rng.IntN(8) {
					b.WriteString(fillers[rng.IntN(len(fillers))])
				}
				b.Write(n)
				for range rng.IntN(8) {
					b.WriteString(fillers[rng.IntN(len(fillers))])
				}
				line := b.String()
				lines = append(lines, line, strings.Repeat("z", rng.IntN(300))+line+strings.Repeat("z", rng.IntN(300)))
			}
		}
	}
	for _, line := range lines {
		gw, gk, gi := scoreRule([]byte(line))
		ww, wk, wi := scoreRuleReference([]byte(line))
		if gw != ww || gk != wk || gi != wi {
			t.Errorf("scoreRule(%q) = %v, %v, %s; reference %v, %v, %s", line, gw, gk, ruleName(gi), ww, wk, ruleName(wi))
		}
		checkShortcuts(t, []byte(line))
	}
}

// checkShortcuts checks every exact matcher and gate against its rule's expression on one line.
func checkShortcuts(t *testing.T, text []byte) {
	t.Helper()
	if len(text) > maxScoredBytes {
		text = text[:maxScoredBytes]
	}
	for i := range rules {
		ru := &rules[i]
		m := ru.re.Match(text)
		if ru.exact != nil && ru.exact(text) != m {
			t.Errorf("rule %s: exact matcher says %v on %q, expression %v", ru.name, !m, text, m)
		}
		if ru.gate != nil && m && !ru.gate(text) {
			t.Errorf("rule %s: gate rejects %q, which the expression matches", ru.name, text)
		}
	}
	want := keywords.Set{}
	for i := range rules {
		if !shaped.Has(i) && rules[i].holdsNeed(text) && len(rules[i].need) > 0 {
			want.Add(i)
		}
	}
	if got := ruleKeywords.Scan(text); got != want {
		t.Errorf("keywords in %q: %v, want %v", text, got, want)
	}
}

func ruleName(i int) string {
	if i < 0 {
		return "none"
	}
	return rules[i].name
}

// TestAssertGateFolding backs the assert gate's case-insensitive " failed": none of its letters
// has a Unicode case partner outside ASCII, so an ASCII comparison finds whatever (?i) would.
func TestAssertGateFolding(t *testing.T) {
	for _, r := range " failed" {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f >= 0x80 {
				t.Errorf("%q folds to %q, outside ASCII", r, f)
			}
		}
	}
}

// FuzzScoreRule checks scoreRule, the exact matchers, the gates and the keyword scanner against
// the rules' expressions on arbitrary lines.
func FuzzScoreRule(f *testing.F) {
	for _, l := range shortcutLines() {
		if len(l) < 200 {
			f.Add([]byte(l))
		}
	}
	f.Fuzz(func(t *testing.T, line []byte) {
		if bytes.IndexByte(line, '\n') >= 0 {
			return // a line never holds a line break
		}
		gw, gk, gi := scoreRule(line)
		ww, wk, wi := scoreRuleReference(line)
		if gw != ww || gk != wk || gi != wi {
			t.Fatalf("scoreRule(%q) = %v, %v, %s; reference %v, %v, %s", line, gw, gk, ruleName(gi), ww, wk, ruleName(wi))
		}
		checkShortcuts(t, line)
	})
}
