package patterns

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"
)

// contrailCase is one of Juniper/contrail-windows-ci's flake tests: every line of In that any
// flake pattern matches, in order, must be exactly Want (what `grep -E -f patterns.txt` printed).
type contrailCase struct {
	Name string
	In   []string
	Want []string
}

// loadContrailFlakes reads the contrail-windows flake catalogue as totto patterns (one regex per
// line of patterns.txt; its first line is a `$`-prefixed comment) and its test cases. The matcher
// tests reuse it to check the compiled matcher against the same oracle.
func loadContrailFlakes(t testing.TB) ([]Pattern, []contrailCase) {
	t.Helper()
	dir := importCorpus(t, "patterns", "contrail-windows")
	lines := readLines(t, filepath.Join(dir, "patterns.txt"))
	var ps []Pattern
	for i, l := range lines {
		if (i == 0 && strings.HasPrefix(l, "$")) || strings.TrimSpace(l) == "" {
			continue
		}
		ps = append(ps, Pattern{ID: int64(len(ps) + 1), Name: fmt.Sprintf("contrail flake %d", len(ps)+1),
			Kind: Regex, Expr: l, Tags: []string{TagFlaky}, Source: "contrail-windows"})
	}
	ins, err := filepath.Glob(filepath.Join(dir, "tests", "*.in.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var cases []contrailCase
	for _, in := range ins {
		name := strings.TrimSuffix(filepath.Base(in), ".in.txt")
		cases = append(cases, contrailCase{Name: name, In: readLines(t, in),
			Want: readLines(t, filepath.Join(dir, "tests", name+".out.txt"))})
	}
	return ps, cases
}

func readLines(t testing.TB, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	if err := sc.Err(); err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return out
}

func TestContrailFlakesReproduceExpectedLines(t *testing.T) {
	ps, cases := loadContrailFlakes(t)
	if len(ps) != 9 || len(cases) != 10 {
		t.Fatalf("loaded %d patterns and %d cases, want 9 and 10", len(ps), len(cases))
	}
	res := make([]*regexp.Regexp, len(ps))
	for i, p := range ps {
		if probs := Check(p); len(probs) != 0 {
			t.Errorf("pattern %q does not validate: %v", p.Expr, probs)
		}
		res[i] = regexp.MustCompile(p.Expr)
	}
	for _, tc := range cases {
		t.Run(tc.Name, func(t *testing.T) {
			var got []string
			for _, line := range tc.In {
				for _, re := range res {
					if re.MatchString(line) {
						got = append(got, line)
						break
					}
				}
			}
			if !reflect.DeepEqual(got, tc.Want) && !(len(got) == 0 && len(tc.Want) == 0) {
				t.Errorf("matching lines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.Want, "\n"))
			}
		})
	}
}
