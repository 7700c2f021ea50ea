package patterns

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

func TestBest(t *testing.T) {
	m := func(name string, prio, line int, text string) Match {
		return Match{Pattern: name, Priority: prio, Line: line, Text: text}
	}
	tests := []struct {
		name string
		ms   []Match
		want string // "pattern@line" or "" for nil
	}{
		{"none", nil, ""},
		{"higher priority beats later line", []Match{m("hi", 5, 1, "x"), m("lo", 1, 9, "y")}, "hi@1"},
		{"later line wins among equals", []Match{m("a", 2, 3, "x"), m("a", 2, 7, "x"), m("b", 2, 5, "y")}, "a@7"},
		{"first listed wins on the same line", []Match{m("a", 1, 4, "x"), m("b", 1, 4, "x")}, "a@4"},
		{"boilerplate never wins", []Match{m("generic", 9, 10, "##[error]Process completed with exit code 1."), m("real", 0, 3, "ImportError: x")}, "real@3"},
		{"only boilerplate", []Match{m("generic", 9, 10, "Error: Process completed with exit code 2.")}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Best(tt.ms)
			s := ""
			if got != nil {
				s = lineNums([]Match{*got})
			}
			if s != tt.want {
				t.Errorf("Best = %q, want %q", s, tt.want)
			}
		})
	}
}

func TestIsBoilerplate(t *testing.T) {
	tests := []struct {
		line string
		want bool
	}{
		{"##[error]Process completed with exit code 1.", true},
		{"Process completed with exit code 137.", true},
		{"Error: Process completed with exit code 2.", true},
		{"##[error]Executing the custom container implementation failed. Please contact your self hosted runner administrator.", true},
		{"##[error]The process '/usr/bin/git' failed with exit code 128", true},
		{"##[error][OSDC] Step script exited with code 1. This is a script/workflow error, not an infrastructure issue.", true},
		{"[OSDC] Step cancelled by GitHub Actions (received SIGINT). This typically means matrix fail-fast", true},
		{`The command "bundle exec rake" exited with 1.`, true},
		{`The command "./gradlew check" exited with 255.`, true},
		{"make: *** [Makefile:12: test] Error 2", true},
		{"make[2]: *** [src/CMakeFiles/foo.dir/all] Error 1", true},
		{"npm ERR! code ELIFECYCLE", true},
		{"npm ERR! errno 1", true},
		{"npm ERR! foo@1.0.0 test: `jest`", true},
		{"npm ERR! Exit status 1", true},
		{"error Command failed with exit code 1.", true},
		{"Exited with code exit status 1", true},
		{"ERROR: Job failed: exit code 1", true},
		{"  Process completed with exit code 1.  ", true},
		// Lines that say why something failed are never boilerplate.
		{"##[error]The operation was canceled.", false},
		{"ImportError: cannot import name 'x'", false},
		{"make: *** No rule to make target 'foo'.  Stop.", false},
		{"npm ERR! 404 Not Found - GET https://registry.npmjs.org/nope", false},
		{"npm ERR! code E404", false},
		{"Docker pull failed with exit code 1", false},
		{"Got exit code -11, retrying (retries left=2)", false},
		{"Process completed with exit code 1 because the disk is full", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := IsBoilerplate(tt.line); got != tt.want {
			t.Errorf("IsBoilerplate(%q) = %v, want %v", tt.line, got, tt.want)
		}
	}
}

// ghaTimestamp is the GitHub Actions line prefix PyTorch's classifier removes before applying its
// rules (it keeps "##[error]", which several rules anchor on).
var ghaTimestamp = regexp.MustCompile(`(?m)^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z `)

// TestBestPicksPyTorchFixtureLine runs PyTorch's 102 rules (priority = file order) over every
// PyTorch fixture and checks that Best lands on the line the upstream classifier lands on.
func TestBestPicksPyTorchFixtureLine(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "logs", "pytorch-dev")
	fixtures, _ := filepath.Glob(filepath.Join(dir, "*.txt"))
	var stems []string
	for _, f := range fixtures {
		if s := strings.TrimSuffix(filepath.Base(f), ".txt"); s != "cases" {
			stems = append(stems, s)
		}
	}
	if len(stems) == 0 {
		t.Skipf("no PyTorch fixtures in %s", dir)
	}
	m, err := Compile(benchPatternSet(t, "P1"))
	if err != nil {
		t.Fatal(err)
	}
	for _, stem := range stems {
		t.Run(stem, func(t *testing.T) {
			fixture, err := os.ReadFile(filepath.Join(dir, stem+".txt"))
			if err != nil {
				t.Fatal(err)
			}
			want := markedLine(string(fixture))
			clean, err := os.ReadFile(filepath.Join(dir, "clean", stem+".log"))
			if err != nil {
				t.Fatal(err)
			}
			clean = ghaTimestamp.ReplaceAll(clean, nil)
			// FormatTravis: only Travis markers are stripped, so "##[error]" stays as upstream sees it.
			r := logs.NewReaderOptions(bytes.NewReader(clean), logs.Options{Format: logs.FormatTravis})
			var ms []Match
			if _, err := m.Scan(r, ScanOptions{}, func(mt Match) error { ms = append(ms, mt); return nil }); err != nil {
				t.Fatal(err)
			}
			got := 0
			if b := Best(ms); b != nil {
				got = b.Line
			}
			if got != want {
				t.Errorf("best line %d (%v), want %d", got, Best(ms), want)
			}
		})
	}
}

// markedLine returns the 1-based line marked "#=MATCH=# " in a fixture, counted without the
// optional leading "#=SOURCE=#" line (as the clean logs are written), or 0 when none is marked.
func markedLine(fixture string) int {
	lines := regexp.MustCompile(`\r+\n|\r|\n`).Split(fixture, -1)
	if len(lines) > 0 && strings.HasPrefix(lines[0], "#=SOURCE=#") {
		lines = lines[1:]
	}
	for i, l := range lines {
		if strings.HasPrefix(l, "#=MATCH=# ") {
			return i + 1
		}
	}
	return 0
}
