package patterns

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
)

// importCorpus returns the path of a file or directory in the shared corpus, skipping the test
// when it is not there.
func importCorpus(t testing.TB, rel ...string) string {
	t.Helper()
	return testcorpus.Path(t, rel...)
}

// roundTrip marshals imported patterns and parses them back, as `totto patterns import > f.yml`
// followed by loading f.yml would; the file must load completely.
func roundTrip(t *testing.T, res ImportResult) (Problems, []Pattern) {
	t.Helper()
	data, err := Marshal(res.Patterns)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	ps, err := Parse("imported.yml", data)
	var probs Problems
	if err != nil && !errors.As(err, &probs) {
		t.Fatalf("Parse: %v", err)
	}
	if errs := probs.Errors(); len(errs) > 0 {
		t.Fatalf("imported file has %d errors, first: %v", len(errs), errs[0])
	}
	if len(ps) != len(res.Patterns) {
		t.Fatalf("loaded %d of %d imported patterns", len(ps), len(res.Patterns))
	}
	for i := range ps {
		want := res.Patterns[i]
		want.ID, want.Source = ps[i].ID, ps[i].Source
		if !reflect.DeepEqual(ps[i], want) {
			t.Fatalf("pattern %d changed in the round trip:\n got %#v\nwant %#v", i, ps[i], want)
		}
	}
	return probs, ps
}

func TestImportPyTorchRuleset(t *testing.T) {
	path := importCorpus(t, "patterns", "pytorch", "ruleset.toml")
	res, err := Import("pytorch", path)
	if err != nil {
		t.Fatal(err)
	}
	// Every rule is imported as written, the catch-all on GitHub's "##[error]" marker included:
	// the matcher reads that anchor as the line's error-marker attribute.
	if len(res.Patterns) != 102 || len(res.Notes) != 0 {
		t.Fatalf("imported %d patterns with notes %v; want 102 and none", len(res.Patterns), res.Notes)
	}
	first, last := res.Patterns[0], res.Patterns[101]
	if first.Name != "Operator backwards compatibility" || first.Priority != 102 || first.Kind != Regex ||
		!strings.HasPrefix(first.Expr, `^(?:\[WARNING [^\]]+\] )?(The PR is introducing`) {
		t.Errorf("first rule = %+v", first)
	}
	if last.Priority != 1 || last.Expr != `^##\[error\](.*)` || first.Source != "import:pytorch" || first.ID != 1 {
		t.Errorf("last rule %+v, source %q, id %d", last, first.Source, first.ID)
	}
	for _, p := range res.Patterns {
		if p.Name == "GHA timeout" && !strings.HasPrefix(p.Expr, `^##\[error\]The action (.*)has timed out`) {
			t.Errorf("marker anchor rewritten: %s", p.Expr)
		}
	}
	probs, _ := roundTrip(t, res)
	t.Logf("pytorch: 102 patterns, %d warnings", len(probs.Warnings()))
}

func TestImportDrCIDump(t *testing.T) {
	path := importCorpus(t, "patterns", "circleci-failure-tracker", "patterns-dump.json")
	res, err := Import("drci", path)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patterns) != 72 || len(res.Notes) != 0 {
		t.Fatalf("imported %d patterns with notes %v; want all 72 (none retired) and no notes", len(res.Patterns), res.Notes)
	}
	var flaky, regex, withSteps int
	for _, p := range res.Patterns {
		if p.HasTag(TagFlaky) {
			flaky++
		}
		if p.Kind == Regex {
			regex++
		}
		if len(p.Steps) > 0 {
			withSteps++
		}
	}
	if flaky != 16 || regex != 17 {
		t.Errorf("flaky %d regex %d, want 16 and 17", flaky, regex)
	}
	p0 := res.Patterns[0]
	if p0.Name != "Python syntax error" || p0.Kind != Literal || p0.Expr != "SyntaxError: invalid syntax" ||
		p0.LastLines != 2 || p0.Priority != 1 || !reflect.DeepEqual(p0.Tags, []string{"python"}) {
		t.Errorf("first pattern = %+v", p0)
	}
	p2 := res.Patterns[2]
	if p2.Kind != Regex || p2.Expr != `\[  FAILED  \]\s+([^\s]+)` || !reflect.DeepEqual(p2.Steps, []string{"Test"}) || !p2.AppliesToStep("Test") {
		t.Errorf("third pattern = %+v", p2)
	}
	_, ps := roundTrip(t, res)
	names := map[string]bool{}
	for _, p := range ps {
		names[p.Name] = true
	}
	if !names["blah"] || !names["blah (2)"] || !names["blah (3)"] {
		t.Errorf("repeated description \"blah\" not made unique: %v", names)
	}
	t.Logf("drci: %d patterns, %d with a step scope", len(ps), withSteps)
}

func TestImportDrCISkipsRetiredAndBadEntries(t *testing.T) {
	dump := `[
 {"author":"a","created":"2019-01-02T00:00:00Z","payload":{"db_id":1,"record":{"applicable_steps":["Run [x]*"],"description":"kept","expression":{"contents":"connection reset","tag":"LiteralExpression"},"is_retired":false,"lines_from_end":null,"specificity":2,"tags":["Flaky Net"]}}},
 {"author":"a","created":"2019-01-02T00:00:00Z","payload":{"db_id":2,"record":{"applicable_steps":[],"description":"old","expression":{"contents":"old text","tag":"LiteralExpression"},"is_retired":true,"lines_from_end":null,"specificity":1,"tags":[]}}},
 {"author":"a","created":"2019-01-02T00:00:00Z","payload":{"db_id":3,"record":{"applicable_steps":[],"description":"broken","expression":{"contents":["a(b",false],"tag":"RegularExpression"},"is_retired":false,"lines_from_end":null,"specificity":1,"tags":[]}}},
 {"author":"a","created":"2019-01-02T00:00:00Z","payload":{"db_id":4,"record":{"applicable_steps":[],"description":"","expression":{"contents":"x","tag":"FuzzyExpression"},"is_retired":false,"lines_from_end":5,"specificity":1,"tags":[]}}}
]`
	path := filepath.Join(t.TempDir(), "dump.json")
	if err := os.WriteFile(path, []byte(dump), 0o600); err != nil {
		t.Fatal(err)
	}
	res, err := Import("drci", path)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Patterns) != 1 {
		t.Fatalf("patterns = %+v, want only #1", res.Patterns)
	}
	p := res.Patterns[0]
	if !reflect.DeepEqual(p.Steps, []string{`Run \[x\]\*`}) || !p.AppliesToStep("Run [x]*") || p.AppliesToStep("Run x") ||
		!reflect.DeepEqual(p.Tags, []string{"flaky-net"}) || p.Description != "Dr. CI pattern #1 (a, 2019-01-02)." {
		t.Errorf("pattern = %+v", p)
	}
	wantNotes := []string{`#2 "old": retired`, `#4 "": unknown expression kind "FuzzyExpression"`, `skipped "broken": regex: bad regex: error parsing regexp: missing closing )`}
	all := strings.Join(res.Notes, "\n")
	for _, w := range wantNotes {
		if !strings.Contains(all, w) {
			t.Errorf("notes lack %q:\n%s", w, all)
		}
	}
}

func TestImportElasticRecheckCurrent(t *testing.T) {
	dir := importCorpus(t, "patterns", "elastic-recheck", "queries-current")
	res, err := Import("elastic-recheck", dir)
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]Pattern{}
	for _, p := range res.Patterns {
		byName[p.Name] = p
		if len(p.Expr) < minPhraseLen {
			t.Errorf("pattern %q has a phrase shorter than %d bytes", p.Name, minPhraseLen)
		}
	}
	p, ok := byName["bug 1260311: java.io.InterruptedIOException"]
	if !ok || p.Kind != Literal || p.Expr != "java.io.InterruptedIOException" ||
		p.Description != "https://bugs.launchpad.net/bugs/1260311" || !p.HasTag(TagKnownProblem) || len(p.Jobs) != 0 {
		t.Errorf("bug 1260311 pattern = %+v (found %v)", p, ok)
	}
	// 1260654 ANDs three phrases; "failed" is too short to stand alone.
	p = byName["bug 1260654: Remote call on"]
	if p.Expr != "Remote call on" || !strings.Contains(p.Description, `"java.io.IOException", "failed"`) {
		t.Errorf("bug 1260654 pattern = %+v", p)
	}
	if !strings.Contains(strings.Join(res.Notes, "\n"), `skipped bug 1260654 phrase "failed": shorter than 10 characters`) {
		t.Errorf("short phrase not reported in notes:\n%s", strings.Join(res.Notes, "\n"))
	}
	roundTrip(t, res)
	t.Logf("elastic-recheck current: %d patterns, %d notes", len(res.Patterns), len(res.Notes))
}

func TestImportElasticRecheckWholeTreeDedupes(t *testing.T) {
	dir := importCorpus(t, "patterns", "elastic-recheck")
	res, err := Import("elastic-recheck", dir)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	scoped := 0
	for _, p := range res.Patterns {
		if seen[p.Expr] {
			t.Errorf("phrase %q imported twice", p.Expr)
		}
		seen[p.Expr] = true
		if len(p.Jobs) > 0 {
			scoped++
		}
	}
	// 1,387 phrases in the historical set alone; after dropping short and repeated ones a large
	// catalogue must remain.
	if len(res.Patterns) < 900 || scoped == 0 {
		t.Errorf("imported %d patterns (%d job-scoped); want ≥ 900 and some scoped", len(res.Patterns), scoped)
	}
	roundTrip(t, res)
	t.Logf("elastic-recheck tree: %d patterns, %d job-scoped, %d notes", len(res.Patterns), scoped, len(res.Notes))
}

// TestImportElasticRecheckHitsSamples checks the approximation against what Elasticsearch really
// returned: the fixture samples are hit lists of upstream queries (their file names do not say
// which query), so each sample file must have hits whose messages contain a literal imported from
// the whole query tree.
func TestImportElasticRecheckHitsSamples(t *testing.T) {
	root := importCorpus(t, "patterns", "elastic-recheck")
	samples, err := filepath.Glob(filepath.Join(root, "test-fixtures", "samples", "bug-*.json"))
	if err != nil || len(samples) == 0 {
		t.Skipf("no sample hit lists: %v", err)
	}
	res, err := Import("elastic-recheck", root)
	if err != nil {
		t.Fatal(err)
	}
	var files, filesExplained, hits, explained int
	for _, f := range samples {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var sample struct {
			Hits struct {
				Hits []struct {
					Source struct {
						Message string `json:"@message"`
					} `json:"_source"`
				} `json:"hits"`
			} `json:"hits"`
		}
		if err := json.Unmarshal(data, &sample); err != nil {
			t.Fatalf("sample %s: %v", f, err)
		}
		if len(sample.Hits.Hits) == 0 {
			continue
		}
		files++
		fileHit := false
		for _, h := range sample.Hits.Hits {
			hits++
			for _, p := range res.Patterns {
				if strings.Contains(h.Source.Message, p.Expr) {
					explained++
					fileHit = true
					break
				}
			}
		}
		if fileHit {
			filesExplained++
		}
	}
	t.Logf("elastic-recheck samples: %d of %d hits, %d of %d hit lists contain an imported literal", explained, hits, filesExplained, files)
	if filesExplained*4 < files*3 {
		t.Errorf("only %d of %d sample hit lists contain an imported literal; want ≥ 75%%", filesExplained, files)
	}
}

func TestImportUnknownKindAndMissingPath(t *testing.T) {
	if _, err := Import("jenkins", "x"); err == nil || !strings.Contains(err.Error(), `unknown catalogue kind "jenkins" (known: drci, elastic-recheck, jenkins-bfa, pytorch)`) {
		t.Errorf("err = %v", err)
	}
	missing := filepath.Join(t.TempDir(), "nope.toml")
	if _, err := Import("pytorch", missing); !errors.Is(err, os.ErrNotExist) || !strings.Contains(err.Error(), missing) {
		t.Errorf("err = %v, want ErrNotExist naming the path", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.toml")
	if err := os.WriteFile(bad, []byte("[[rule]\nname = 'x'\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Import("pytorch", bad); err == nil || !strings.Contains(err.Error(), "parse ruleset TOML") {
		t.Errorf("err = %v", err)
	}
}

func TestUniqueNames(t *testing.T) {
	ps := []Pattern{{Name: "a"}, {Name: "a"}, {Name: "a (2)"}, {Name: "b"}, {Name: "a"}}
	uniqueNames(ps)
	var got []string
	for _, p := range ps {
		got = append(got, p.Name)
	}
	want := []string{"a", "a (3)", "a (2)", "b", "a (4)"}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("uniqueNames = %q, want %q", got, want)
	}
}

func TestClipAndEscapeGlob(t *testing.T) {
	if got := clip("héllo world", 7); got != "hél…" {
		t.Errorf("clip = %q, want hél…", got)
	}
	if got := clip("héllo", 5); got != "h…" { // never cuts inside é
		t.Errorf("clip = %q, want h…", got)
	}
	if got := clip("abcdefgh", 6); got != "abc…" {
		t.Errorf("clip = %q, want abc…", got)
	}
	if got := clip("short", 10); got != "short" {
		t.Errorf("clip = %q", got)
	}
	if got := escapeGlob(`a*b?[c]\d`); got != `a\*b\?\[c\]\\d` || !globMatch(got, `a*b?[c]\d`) {
		t.Errorf("escapeGlob = %q", got)
	}
}

func TestLuceneClauses(t *testing.T) {
	tests := []struct {
		q    string
		want []luceneClause
	}{
		{`message:"a b" AND (tags:"console.html" OR tags:"job-output.txt")`, []luceneClause{
			{"message", "a b", true, false}, {"tags", "console.html", true, false}, {"tags", "job-output.txt", true, false}}},
		{`message:"x" AND NOT message:"y \"q\"" AND -build_name:foo`, []luceneClause{
			{"message", "x", true, false}, {"message", `y "q"`, true, true}, {"build_name", "foo", false, true}}},
		{`NOT (build_name:"a" OR build_name:"b") AND message: "spaced"`, []luceneClause{
			{"build_name", "a", true, true}, {"build_name", "b", true, true}, {"message", "spaced", true, false}}},
		{`message:(+"[ERROR]" +"front page" NOT "skip me")`, []luceneClause{
			{"message", "[ERROR]", true, false}, {"message", "front page", true, false}, {"message", "skip me", true, true}}},
		{`message:"fatal\: https://x" AND message:"\nNo match" AND build_name:*sahara*`, []luceneClause{
			{"message", "fatal: https://x", true, false}, {"message", " No match", true, false}, {"build_name", "*sahara*", false, false}}},
		{`message:"unterminated`, []luceneClause{{"message", "unterminated", true, false}}},
		{`message:`, nil},
	}
	for _, tc := range tests {
		if got := luceneClauses(tc.q); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("luceneClauses(%q) =\n%+v\nwant\n%+v", tc.q, got, tc.want)
		}
	}
}

// BenchmarkParseImportedCatalogue measures loading the largest real catalogue (every
// elastic-recheck phrase, about 1,250 patterns) as a pattern file.
func BenchmarkParseImportedCatalogue(b *testing.B) {
	res, err := Import("elastic-recheck", importCorpus(b, "patterns", "elastic-recheck"))
	if err != nil {
		b.Fatal(err)
	}
	data, err := Marshal(res.Patterns)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		ps, err := Parse("bench.yml", data)
		if len(ps) != len(res.Patterns) || (err != nil && len(err.(Problems).Errors()) > 0) {
			b.Fatalf("loaded %d of %d: %v", len(ps), len(res.Patterns), err)
		}
	}
}
