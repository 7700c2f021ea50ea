package patterns

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// PyTorch's classifier applies its rules to each raw line with only the timestamp removed, so a
// marked line reads "##[error]…". On every line GitHub marked, in every GitHub Actions log of the
// corpus, the imported ruleset must fire exactly the rules that fire on that raw line: the
// marker catch-all and `^##\[error\]…` rules fire, `^TypeError`-style rules do not.
func TestImportedPyTorchRulesOnMarkedLines(t *testing.T) {
	if testing.Short() {
		// Every rule's regular expression on every line of 44 logs: ten times slower under the
		// race detector, and single-goroutine; `make long` runs it in full.
		t.Skip("corpus sweep skipped in -short mode")
	}
	c := corpusDir(t)
	res, err := importPyTorch(filepath.Join(c, "patterns", "pytorch", "ruleset.toml"))
	if err != nil {
		t.Skipf("PyTorch ruleset: %v", err)
	}
	files, _ := filepath.Glob(filepath.Join(c, "logs", "pytorch-dev", "clean", "*.log"))
	full, _ := filepath.Glob(filepath.Join(c, "logs", "pytorch-full", "*.gz"))
	dumps, _ := filepath.Glob(filepath.Join(c, "logs", "cidiff-dev", "breakages_dump", "*", "*", "fail.log.gz"))
	files = append(append(files, full...), dumps...)
	if len(files) < 20 {
		t.Skip("GitHub Actions logs not found in the corpus")
	}
	m, err := Compile(res.Patterns)
	if err != nil {
		t.Fatal(err)
	}
	ref := make([]*regexp.Regexp, len(res.Patterns))
	for i, p := range res.Patterns {
		ref[i] = regexp.MustCompile(p.Expr)
	}
	var marked, agree, twins int
	for _, f := range files {
		var data []byte
		if strings.HasSuffix(f, ".gz") {
			data = gunzipFile(t, f)
		} else if data, err = os.ReadFile(f); err != nil {
			t.Fatal(err)
		}
		n, a := sameRulesOnMarkedLines(t, m, ref, filepath.Base(f), data)
		marked, agree = marked+n, agree+a
		// The same lines as GitHub shows them when a step reports them as errors (`::error::`):
		// every line some rule fires on, marked.
		var twin bytes.Buffer
		for _, l := range bytes.Split(data, []byte("\n")) {
			l = bytes.TrimSuffix(logs.StripTimestamp(l), []byte("\r"))
			if bytes.HasPrefix(l, []byte("##[")) || !slices.ContainsFunc(ref, func(re *regexp.Regexp) bool { return re.Match(l) }) {
				continue
			}
			twin.WriteString("2024-05-01T10:00:00.0000000Z ##[error]")
			twin.Write(l)
			twin.WriteByte('\n')
		}
		n, a = sameRulesOnMarkedLines(t, m, ref, filepath.Base(f)+" (marked)", twin.Bytes())
		marked, agree, twins = marked+n, agree+a, twins+n
	}
	if marked-twins < 50 || twins < 50 {
		t.Fatalf("only %d marked lines (%d made from rule hits) in %d logs", marked, twins, len(files))
	}
	t.Logf("%d of %d marked lines (%d as logged, %d made from rule hits) in %d logs fire the same rules as on the raw line",
		agree, marked, marked-twins, twins, len(files))
}

// sameRulesOnMarkedLines scans a GitHub Actions log and compares, on each marked line, the rules
// that fired with the rules that fire on the raw line; it returns the marked lines and agreements.
func sameRulesOnMarkedLines(t *testing.T, m *Matcher, ref []*regexp.Regexp, name string, data []byte) (marked, agree int) {
	t.Helper()
	raw := bytes.Split(data, []byte("\n"))
	rawOf := map[int]int{} // normalised line → raw line, for marked lines
	got := map[int][]string{}
	opts := ScanOptions{OnLine: func(l logs.Line) {
		if l.ErrorMarker {
			rawOf[l.Num] = l.RawLine
		}
	}}
	if _, err := m.Scan(logs.NewReader(bytes.NewReader(data)), opts, func(mt Match) error {
		got[mt.Line] = append(got[mt.Line], mt.Pattern)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for num, rl := range rawOf {
		line := bytes.TrimSuffix(logs.StripTimestamp(raw[rl-1]), []byte("\r"))
		if !bytes.HasPrefix(line, errorMarker) {
			t.Fatalf("%s: line %d (raw %d) is marked, raw text %q", name, num, rl, line)
		}
		var want []string
		for i, re := range ref {
			if re.Match(line) {
				want = append(want, m.pats[i].p.Name)
			}
		}
		marked++
		if slices.Equal(got[num], want) {
			agree++
		} else if agree+10 > marked {
			t.Errorf("%s: marked line %d %q: rules %q, PyTorch's classifier %q", name, num, line, got[num], want)
		}
	}
	return marked, agree
}
