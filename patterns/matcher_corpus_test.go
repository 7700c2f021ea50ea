package patterns

import (
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
	{Name: "empty-able", Kind: Regex, Expr: `x*`},
	{Name: "optional", Kind: Regex, Expr: `colou?r|warn(?:ing)?s?`},
	{Name: "unicode", Kind: Regex, Expr: `[‘’“”]\w+`},
	{Name: "unicode-fold", Kind: Regex, Expr: `(?i)ÉCHEC|straße`},
	{Name: "digits", Kind: Regex, Expr: `\b\d\d\d\d-\d\d-\d\d\b`},
	{Name: "dot-star", Kind: Regex, Expr: `INFO.*(?P<n>\d+) ms`},
	{Name: "literal", Kind: Literal, Expr: "ERROR"},
	{Name: "literal-1byte", Kind: Literal, Expr: "#"},
	{Name: "replacement-char", Kind: Regex, Expr: "\uFFFD+"},
	{Name: "never", Kind: Regex, Expr: `a\bb`},
	{Name: "repeat", Kind: Regex, Expr: `(?:ab){2,}c`},
}

// TestScanAgreesWithReferenceOnCorpus scans real logs with the real pattern sets and asserts
// that the prefiltered matcher finds exactly what every-pattern-on-every-line finds.
func TestScanAgreesWithReferenceOnCorpus(t *testing.T) {
	if testing.Short() {
		t.Skip("whole-corpus reference comparison skipped in -short mode")
	}
	sets := map[string][]Pattern{
		"P1": benchPatternSet(t, "P1"), "P2": benchPatternSet(t, "P2"), "P3": benchPatternSet(t, "P3"),
		"adversarial": adversarialPatterns,
	}
	for _, corpus := range []string{"treeherder", "logchunks"} {
		files := corpusLogs(t, corpus)
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
					if referenceLimit > 0 && len(data) > referenceLimit {
						data = data[:referenceLimit]
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
