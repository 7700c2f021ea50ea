package logs

import (
	"archive/zip"
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// leftover matches marker text that normalisation should have removed.
var leftover = regexp.MustCompile(`^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z|##\[[a-z-]+\]|travis_(fold|time):)`)

// checkInvariants asserts what holds for every normalised line of every log.
func checkInvariants(t *testing.T, name string, got []collected) {
	t.Helper()
	raw := 1
	for i, l := range got {
		switch {
		case l.Num != i+1:
			t.Fatalf("%s: line %d has Num %d", name, i+1, l.Num)
		case l.RawLine < raw:
			t.Fatalf("%s: line %d RawLine %d goes back from %d", name, l.Num, l.RawLine, raw)
		case strings.IndexByte(l.S, 0x1b) >= 0 || !utf8.ValidString(l.S):
			t.Fatalf("%s: line %d has an escape or invalid UTF-8: %q", name, l.Num, l.S)
		case leftover.MatchString(l.S):
			t.Fatalf("%s: line %d keeps a CI marker: %q", name, l.Num, l.S)
		}
		raw = l.RawLine
	}
}

func TestRealGitHubActionsLogs(t *testing.T) {
	logs := filepath.Join(corpusDir(t), "logs")
	files, _ := filepath.Glob(filepath.Join(logs, "pytorch-dev", "clean", "*.log"))
	dumps, _ := filepath.Glob(filepath.Join(logs, "cidiff-dev", "breakages_dump", "*", "*", "fail.log.gz"))
	files = append(files, dumps...)
	if len(files) < 20 {
		t.Skipf("GitHub Actions logs not found under %s", logs)
	}
	for _, f := range files {
		data := readLog(t, f)
		got := readAll(t, data, Options{})
		checkInvariants(t, f, got)
		if !leftover.Match(data) {
			continue // an API error body, not a job log
		}
		errs, steps := 0, 0
		for _, l := range got {
			if l.ErrorMarker {
				errs++
			}
			if l.StepIndex == 0 || l.StepLine < 1 {
				t.Fatalf("%s: line %d has no GitHub step (#step:%d:%d)", f, l.Num, l.StepIndex, l.StepLine)
			}
			if strings.HasPrefix(l.Step, "Run ") && l.StepLine == 1 {
				steps++
			}
			if strings.HasPrefix(l.S, "[command]") {
				t.Fatalf("%s: line %d keeps [command]", f, l.Num)
			}
		}
		if want := bytes.Count(data, []byte("Z ##[error]")); errs != want {
			t.Errorf("%s: %d error markers, want %d", f, errs, want)
		}
		if want := bytes.Count(data, []byte("Z ##[group]Run ")); steps != want {
			t.Errorf("%s: %d steps started, want %d", f, steps, want)
		}
	}
}

func TestRealRunLogZipWithBOM(t *testing.T) {
	path := filepath.Join(corpusDir(t), "logs", "misc", "gitauto", "combined_job_log.zip")
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Skipf("run-log zip not available: %v", err)
	}
	defer zr.Close()
	f, err := zr.Open("0_php-unit.txt")
	if err != nil {
		t.Fatal(err)
	}
	data, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(data, []byte("\xef\xbb\xbf")) {
		t.Fatal("the job log no longer starts with a BOM: the test is moot")
	}
	got := readAll(t, data, Options{})
	checkInvariants(t, path, got)
	if first := got[0]; first.S != "Current runner version: '2.331.0'" || first.Step != stepSetUpJob || first.StepIndex != 1 || first.RawLine != 1 {
		t.Errorf("line 1: %q step %q #step:%d", first.S, first.Step, first.StepIndex)
	}
	// Line 31 is the actions/checkout header, 50 a [command] inside its "Getting Git version
	// info" section: still the checkout step, 20 lines into it.
	if h := got[30]; h.S != "Run actions/checkout@v5" || h.StepIndex != 2 || h.StepLine != 1 {
		t.Errorf("line 31: %q #step:%d:%d", h.S, h.StepIndex, h.StepLine)
	}
	if c := got[49]; c.S != "/usr/local/bin/git version" || c.Step != "Run actions/checkout@v5" || c.StepLine != 20 {
		t.Errorf("line 50: %q step %q #step:%d:%d", c.S, c.Step, c.StepIndex, c.StepLine)
	}
}

func TestRealTravisLogs(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join(corpusDir(t), "logs", "logchunks-dev", "samples", "*", "*", "failed", "*.log.gz"))
	if len(files) < 100 {
		t.Skip("LogChunks dev logs not available")
	}
	if testing.Short() {
		files = files[:40]
	}
	folded, overwritten := 0, 0
	for _, f := range files {
		got := readAll(t, readLog(t, f), Options{})
		checkInvariants(t, f, got)
		for _, l := range got {
			if l.Step != "" {
				folded++
			}
			if l.Overwritten {
				overwritten++
			}
		}
	}
	if folded == 0 || overwritten == 0 {
		t.Errorf("no fold steps (%d) or progress frames (%d) in %d Travis logs", folded, overwritten, len(files))
	}
}

func TestRealTravisFold(t *testing.T) {
	f := filepath.Join(corpusDir(t), "logs", "logchunks-dev", "samples", "C#", "NancyFx@Nancy", "failed", "375658615.log.gz")
	got := readAll(t, readLog(t, f), Options{})
	// travis_fold:start:worker_info\r ESC[0K ESC[33;1mWorker information ESC[0m\n
	if got[0].S != "" || got[0].Step != "worker_info" || !got[0].Overwritten || got[1].S != "Worker information" || got[1].Step != "worker_info" {
		t.Errorf("lines 1-2: %q/%q steps %q/%q", got[0].S, got[1].S, got[0].Step, got[1].Step)
	}
	for _, l := range got {
		if l.S == "Build language: csharp" {
			if l.Step != "system_info" {
				t.Errorf("line %d: step %q, want system_info", l.Num, l.Step)
			}
			return
		}
	}
	t.Error("line \"Build language: csharp\" not found")
}
