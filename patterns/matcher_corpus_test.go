package patterns

import (
	"os"
	"path/filepath"
	"testing"
)

// adversarialPatterns exercise what the literal prefilter must get right: case folding (including
// the non-ASCII members of ASCII letters' fold orbits), alternations, classes, anchors,
// expressions that match the empty string, optional pieces and non-ASCII text.
var adversarialPatterns = []Pattern{
	{Name: "fold", Kind: Regex, Expr: `(?i)error:`},
	{Name: "fold-kelvin", Kind: Regex, Expr: `(?i)kill`},
	{Name: "alternation", Kind: Regex, Expr: `(?:FAIL|TEST-UNEXPECTED|Traceback) (\w+)`},
	{Name: "class-cross", Kind: Regex, Expr: `[Ee]rr[a-z]r [0-9]`},
	{Name: "anchored", Kind: Regex, Expr: `^\[task `},
	{Name: "end-anchored", Kind: Regex, Expr: `failed$`},
	{Name: "optional", Kind: Regex, Expr: `colou?r|warn(?:ing)?s?`},
	{Name: "unicode", Kind: Regex, Expr: `[‘’“”]\w+`},
	{Name: "unicode-fold", Kind: Regex, Expr: `(?i)ÉCHEC|straße`},
	{Name: "digits", Kind: Regex, Expr: `\b\d\d\d\d-\d\d-\d\d\b`},
	{Name: "dot-star", Kind: Regex, Expr: `INFO.*(?P<n>\d+) ms`},
	{Name: "literal", Kind: Literal, Expr: "ERROR"},
	{Name: "replacement-char", Kind: Regex, Expr: "\uFFFD+"},
	{Name: "never", Kind: Regex, Expr: `a\bb`},
	{Name: "repeat", Kind: Regex, Expr: `(?:ab){2,}c`},
}

// everyLinePatterns match (nearly) every line; they are kept out of the corpus comparison, where
// they would only add millions of identical matches, and tested on synthetic logs instead.
var everyLinePatterns = []Pattern{
	{Name: "empty-able", Kind: Regex, Expr: `x*`},
}

// fullCorpusEnv asks for the complete comparison: every pattern set on every byte of the corpus
// (about ten minutes of CPU). By default P3 (which contains P1 and P2) and the adversarial
// patterns are compared on all of LogChunks and the first MiB of each Treeherder log.
const fullCorpusEnv = "TOTTO_FULL_CORPUS"

// TestScanAgreesWithReferenceOnCorpus scans real logs with the real pattern sets and asserts
// that the prefiltered matcher finds exactly what every-pattern-on-every-line finds.
func TestScanAgreesWithReferenceOnCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("corpus reference comparison skipped in -short mode")
	}
	if raceEnabled {
		t.Skip("corpus reference comparison skipped under the race detector (see TestScanConcurrentlySharesMatcher)")
	}
	full := os.Getenv(fullCorpusEnv) != ""
	sets := map[string][]Pattern{"P3": benchPatternSet(t, "P3"), "adversarial": adversarialPatterns}
	limits := map[string]int{"treeherder": 1 << 20, "logchunks": 0}
	if full {
		sets["P1"], sets["P2"] = benchPatternSet(t, "P1"), benchPatternSet(t, "P2")
		limits["treeherder"] = 0
	} else {
		t.Logf("set %s=1 to compare every set on the whole corpus", fullCorpusEnv)
	}
	for _, corpus := range []string{"treeherder", "logchunks"} {
		files := corpusLogs(t, corpus)
		limit := limits[corpus]
		for name, ps := range sets {
			m, err := Compile(ps)
			if err != nil {
				t.Fatal(err)
			}
			t.Run(corpus+"/"+name, func(t *testing.T) {
				t.Parallel()
				total := 0
				for _, f := range files {
					data := gunzipFile(t, f)
					if limit > 0 && len(data) > limit {
						data = data[:limit]
					}
					want := referenceScan(t, ps, data)
					got := fastScan(t, m, data)
					if d := diffMatches(want, got); d != "" {
						t.Fatalf("%s: %s", filepath.Base(f), d)
					}
					total += len(want)
				}
				t.Logf("%d logs, %d matches agree", len(files), total)
			})
		}
	}
}
