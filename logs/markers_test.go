package logs

import (
	"testing"
)

// marked is the expected marker-related shape of one line.
type marked struct {
	text      string
	step      string
	errMark   bool
	stepIndex int
	stepLine  int
}

func checkMarked(t *testing.T, got []collected, want []marked) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d lines %q, want %d", len(got), texts(got), len(want))
	}
	for i, g := range got {
		w := want[i]
		if g.S != w.text || g.Step != w.step || g.ErrorMarker != w.errMark || g.StepIndex != w.stepIndex || g.StepLine != w.stepLine {
			t.Errorf("line %d: got {%q step %q err=%v #step:%d:%d}, want {%q step %q err=%v #step:%d:%d}",
				g.Num, g.S, g.Step, g.ErrorMarker, g.StepIndex, g.StepLine, w.text, w.step, w.errMark, w.stepIndex, w.stepLine)
		}
	}
}

func TestGitHubActionsMarkers(t *testing.T) {
	const ts = "2024-01-02T03:04:05.1234567Z "
	in := "\xef\xbb\xbf" + ts + "Current runner version: '2.331.0'\n" +
		ts + "##[group]Operating System\n" +
		ts + "Ubuntu\n" +
		ts + "##[endgroup]\n" +
		ts + "##[group]Run actions/checkout@v5\n" +
		ts + "with:\n" +
		ts + "##[endgroup]\n" +
		ts + "##[group]Getting Git version info\n" + // a section inside the step
		ts + "[command]/usr/bin/git version\n" +
		ts + "##[endgroup]\n" +
		ts + "##[group]Run make test\n" +
		ts + "##[endgroup]\n" +
		ts + "\x1b[31mFAIL\x1b[0m pkg\r\n" +
		ts + "##[warning]Node.js 16 actions are deprecated\n" +
		ts + "##[error]Process completed with exit code 1.\n" +
		ts + "Post job cleanup.\n" +
		ts + "##[command]/usr/bin/docker rm -f x\n" +
		ts + "Cleaning up orphan processes\n" +
		"2024-01-02T03:04:05Z\n" + // a timestamp with no fraction and nothing after it
		ts + "##[notice]##[debug]only the first marker goes\n"
	const checkout, run = "Run actions/checkout@v5", "Run make test"
	want := []marked{
		{"Current runner version: '2.331.0'", stepSetUpJob, false, 1, 1},
		{"Operating System", stepSetUpJob, false, 1, 2},
		{"Ubuntu", stepSetUpJob, false, 1, 3},
		{"", stepSetUpJob, false, 1, 4},
		{checkout, checkout, false, 2, 1},
		{"with:", checkout, false, 2, 2},
		{"", checkout, false, 2, 3},
		{"Getting Git version info", checkout, false, 2, 4},
		{"/usr/bin/git version", checkout, false, 2, 5},
		{"", checkout, false, 2, 6},
		{run, run, false, 3, 1},
		{"", run, false, 3, 2},
		{"FAIL pkg", run, false, 3, 3},
		{"Node.js 16 actions are deprecated", run, false, 3, 4},
		{"Process completed with exit code 1.", run, true, 3, 5},
		{"Post job cleanup.", stepPostJob, false, 4, 1},
		{"/usr/bin/docker rm -f x", stepPostJob, false, 4, 2},
		{"Cleaning up orphan processes", stepCompleteJob, false, 5, 1},
		{"", stepCompleteJob, false, 5, 2},
		{"##[debug]only the first marker goes", stepCompleteJob, false, 5, 3},
	}
	checkMarked(t, readAll(t, []byte(in), Options{}), want)
	checkMarked(t, readAll(t, []byte(in), Options{Format: FormatGitHubActions}), want)

	// Plain keeps every marker; Travis-only keeps the GitHub ones.
	for _, f := range []Format{FormatPlain, FormatTravis} {
		got := readAll(t, []byte(in), Options{Format: f})
		if got[1].S != ts+"##[group]Operating System" || got[1].StepIndex != 0 || got[14].ErrorMarker {
			t.Errorf("format %d: line 2 %q #step %d, line 15 error=%v", f, got[1].S, got[1].StepIndex, got[14].ErrorMarker)
		}
	}
}

func TestGitHubActionsLookalikes(t *testing.T) {
	tests := []struct{ in, want string }{
		{"[command]not after a timestamp", "[command]not after a timestamp"},
		{"## [group] spaced", "## [group] spaced"},
		{"##[GROUP]upper case is not a marker", "##[GROUP]upper case is not a marker"},
		{"##[]empty", "##[]empty"},
		{"2024-01-02 03:04:05.123Z space not T", "2024-01-02 03:04:05.123Z space not T"},
		{"2024-01-02T03:04:05.123+01:00 offset", "2024-01-02T03:04:05.123+01:00 offset"},
		{"2024-01-02T03:04:05.123Zno space", "2024-01-02T03:04:05.123Zno space"},
		{"12345", "12345"},
		{"##[add-matcher]/tmp/matcher.json", "/tmp/matcher.json"},
	}
	for _, tt := range tests {
		got := readAll(t, []byte(tt.in), Options{})
		if len(got) != 1 || got[0].S != tt.want || got[0].StepIndex != 0 {
			t.Errorf("%q: got %q (#step %d), want %q", tt.in, texts(got), got[0].StepIndex, tt.want)
		}
	}
}

func TestTravisMarkers(t *testing.T) {
	// As Travis writes them: each marker ends in "\r" and the next piece starts with ESC[0K.
	in := "travis_fold:start:worker_info\r\x1b[0K\x1b[33;1mWorker information\x1b[0m\n" +
		"hostname: x\n" +
		"travis_fold:end:worker_info\r\x1b[0Ktravis_fold:start:install.npm\r\x1b[0K\n" +
		"travis_time:start:241337d0\r\x1b[0K$ npm ci\r\r\n" +
		"added 1 package\r\r\n" +
		"travis_time:end:241337d0:start=1525643776945204000,finish=1525643782903979000,duration=5958775000\r\x1b[0K\n" +
		"travis_fold:end:install.npm\r\x1b[0K\n" +
		"$ npm test\n" +
		"travis_fold:end:not_open\r\x1b[0K\n"
	want := []marked{
		{"", "worker_info", false, 0, 0},
		{"Worker information", "worker_info", false, 0, 0},
		{"hostname: x", "worker_info", false, 0, 0},
		{"", "", false, 0, 0},
		{"", "install.npm", false, 0, 0},
		{"", "install.npm", false, 0, 0},
		{"", "install.npm", false, 0, 0},
		{"$ npm ci", "install.npm", false, 0, 0},
		{"added 1 package", "install.npm", false, 0, 0},
		{"", "install.npm", false, 0, 0},
		{"", "install.npm", false, 0, 0},
		{"", "", false, 0, 0},
		{"", "", false, 0, 0},
		{"$ npm test", "", false, 0, 0},
		{"", "", false, 0, 0},
		{"", "", false, 0, 0},
	}
	got := readAll(t, []byte(in), Options{})
	checkMarked(t, got, want)
	if !got[0].Overwritten || got[1].Overwritten || got[1].RawLine != 1 || got[2].RawLine != 2 {
		t.Errorf("marker pieces: overwritten %v/%v raw %d/%d", got[0].Overwritten, got[1].Overwritten, got[1].RawLine, got[2].RawLine)
	}
	if plain := readAll(t, []byte(in), Options{Format: FormatPlain}); plain[0].S != "travis_fold:start:worker_info" || plain[0].Step != "" {
		t.Errorf("plain line 1: %q step %q", plain[0].S, plain[0].Step)
	}
}

func TestInitialStep(t *testing.T) {
	got := readAll(t, []byte("a\nb\n"), Options{Step: "Run tests"})
	if len(got) != 2 || got[0].Step != "Run tests" || got[1].Step != "Run tests" {
		t.Errorf("got %+v", got)
	}
}

// Every GitHub Actions group, a step's "Run" header and a user "::group::" inside the step's
// output, is the Group of its lines from its own line to its "##[endgroup]"; a group left open
// ends with its step.
func TestGroups(t *testing.T) {
	in := "2026-03-11T10:00:00.0000000Z ##[group]Run make test\n" +
		"2026-03-11T10:00:00.0000000Z make test\n" +
		"2026-03-11T10:00:00.0000000Z ##[endgroup]\n" +
		"2026-03-11T10:00:01.0000000Z compiling\n" +
		"2026-03-11T10:00:02.0000000Z ##[group]Test results\n" +
		"2026-03-11T10:00:02.0000000Z ok pkg/a\n" +
		"2026-03-11T10:00:02.0000000Z ##[endgroup]\n" +
		"2026-03-11T10:00:03.0000000Z FAIL pkg/b\n" +
		"2026-03-11T10:00:04.0000000Z ##[group]Left open\n" +
		"2026-03-11T10:00:04.0000000Z inside\n" +
		"2026-03-11T10:00:05.0000000Z Post job cleanup.\n"
	want := []struct{ step, group string }{
		{"Run make test", "Run make test"}, {"Run make test", "Run make test"}, {"Run make test", "Run make test"},
		{"Run make test", ""},
		{"Run make test", "Test results"}, {"Run make test", "Test results"}, {"Run make test", "Test results"},
		{"Run make test", ""},
		{"Run make test", "Left open"}, {"Run make test", "Left open"},
		{"Post job cleanup.", ""},
	}
	got := readAll(t, []byte(in), Options{Format: FormatGitHubActions})
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].Step != w.step || got[i].Group != w.group {
			t.Errorf("line %d %q: step %q group %q, want %q %q", i+1, got[i].S, got[i].Step, got[i].Group, w.step, w.group)
		}
	}
}
