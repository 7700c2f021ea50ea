package patterns

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// The fixture has the shape of Build Failure Analyzer's own build-failure-analyzer.xml (its
// LocalFileKnowledgeBase), with one indication of each kind the importer treats differently.
func TestImportBFA(t *testing.T) {
	res, err := Import("jenkins-bfa", filepath.Join("testdata", "bfa", "build-failure-analyzer.xml"))
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		Name, Expr string
		Then       *Then
		Tags       []string
	}
	var ps []got
	for _, p := range res.Patterns {
		ps = append(ps, got{p.Name, p.Expr, p.Then, p.Tags})
	}
	want := []got{
		{"Remote call failed", `^(?:.*java.io.IOException: Remote call on .* failed.*)$`, nil, []string{"infrastructure", "flaky"}},
		{"Remote call failed (2)", `ChannelClosedException`, &Then{Regex, `Caused by: java.io.EOFException`, MaxThenWithin}, []string{"infrastructure", "flaky"}},
		{"Maven test failure", `Tests run: \d+, Failures: [1-9](.*)\[INFO\] BUILD FAILURE`, nil, nil},
		{"Maven test failure (2)", `OutOfMemoryError`, nil, nil},
	}
	if !reflect.DeepEqual(ps, want) {
		t.Errorf("imported:\n%+v\nwant\n%+v", ps, want)
	}
	notes := strings.Join(res.Notes, "\n")
	for _, n := range []string{`"Maven test failure": multi-line expression has no line break`, `"Maven test failure (2)": multi-line expression has no line break`,
		`skipped "Maven test failure (3)": its multi-line expression needs three lines or more`, `skipped "Maven test failure (4)"`,
		`skipped "Maven test failure (5)": indication TestResultIndication is not about the build log`} {
		if !strings.Contains(notes, n) {
			t.Errorf("notes lack %q:\n%s", n, notes)
		}
	}
	if res.Patterns[0].Description != "The agent lost its connection; see https://wiki.example/agents" {
		t.Errorf("description %q", res.Patterns[0].Description)
	}
	roundTrip(t, res)

	// The imported multi-line cause fires as upstream's does on a log where the two lines follow.
	m, err := Compile(res.Patterns[1:2])
	if err != nil {
		t.Fatal(err)
	}
	log := "hudson.remoting.ChannelClosedException: channel is already closed\n\tat x\nCaused by: java.io.EOFException\n"
	var lines [][2]int
	if _, err := m.Scan(logs.NewReader(bytes.NewReader([]byte(log))), ScanOptions{}, func(mt Match) error {
		lines = append(lines, [2]int{mt.Line, mt.ThenLine})
		return nil
	}); err != nil || !reflect.DeepEqual(lines, [][2]int{{1, 3}}) {
		t.Errorf("scan: matches %v, %v; want line 1 answered on line 3", lines, err)
	}
}

func TestImportBFARefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "config.xml")
	if err := os.WriteFile(path, []byte("<hudson><numExecutors>2</numExecutors></hudson>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Import("jenkins-bfa", path); err == nil || !strings.Contains(err.Error(), "no failure causes found") {
		t.Errorf("a Jenkins file without causes: %v", err)
	}
	if err := os.WriteFile(path, []byte("<a><b></a>"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Import("jenkins-bfa", path); err == nil || !strings.Contains(err.Error(), "parse XML") {
		t.Errorf("broken XML: %v", err)
	}
}

func TestSplitMultiline(t *testing.T) {
	for in, want := range map[string][3]string{
		`a\nb`:            {"a", "b", "ok"},
		`.*a.*\r?\n.*b.*`: {"a", "b", "ok"},
		`(x|y)[\s\S]*?z`:  {"(x|y)", "z", "ok"},
		`a(.*)b`:          {"a(.*)b", "", ""},
		`[.*]x`:           {"[.*]x", "", ""},
		`a\.\*b`:          {`a\.\*b`, "", ""},
		`a.*b.*c`:         {"a", "b.*c", "ok"},
		`a\nb\nc`:         {"a", "", "ok"},
		`.*`:              {"", "", ""},
		`[]\n]+.*tail`:    {`[]\n]+`, "tail", "ok"},
	} {
		f, th, ok := splitMultiline(in)
		got := [3]string{f, th, map[bool]string{true: "ok"}[ok]}
		if got != want {
			t.Errorf("splitMultiline(%q) = %q, want %q", in, got, want)
		}
	}
}
