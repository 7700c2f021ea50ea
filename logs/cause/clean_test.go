package cause

import "testing"

func TestCleanLine(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
		m    marks
	}{
		{"plain", "hello", "hello", marks{}},
		{"gha timestamp", "2026-07-30T13:21:30.7886920Z error: boom", "error: boom", marks{}},
		{"gha error marker", "2026-07-30T13:21:30.7886920Z ##[error]Process completed with exit code 1.", "Process completed with exit code 1.", marks{errorMarker: true}},
		{"gha run group", "2026-07-30T13:21:30.7886920Z ##[group]Run make test", "Run make test", marks{stepStart: true, stepName: "Run make test", headerGroup: true}},
		{"gha other group", "##[group]Sccache Compilation Log", "Sccache Compilation Log", marks{stepStart: true, stepName: "Sccache Compilation Log"}},
		{"gha endgroup", "2026-07-30T13:21:30Z ##[endgroup]", "", marks{groupEnd: true}},
		{"gh run view", "build\tRun tests\t2022-04-12T19:22:54.9573194Z --- FAIL: TestX (0.00s)", "--- FAIL: TestX (0.00s)", marks{}},
		{"tab text kept", "a\tb\tc", "a\tb\tc", marks{}},
		{"travis fold", "travis_fold:start:install.deps", "", marks{stepStart: true, stepName: "install.deps"}},
		{"travis time inline", "travis_time:end:2e946cd8:start=1,finish=2,duration=3 after", " after", marks{}},
		{"not a timestamp", "2026-07-30 13:21:30 error", "2026-07-30 13:21:30 error", marks{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, m := cleanLine([]byte(tt.in))
			if string(got) != tt.want {
				t.Errorf("text = %q, want %q", got, tt.want)
			}
			if m != tt.m {
				t.Errorf("marks = %+v, want %+v", m, tt.m)
			}
		})
	}
}
