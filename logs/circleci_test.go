package logs

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// readCircleCI reads a step output body with NewCircleCIReader, keeping copies of the lines.
func readCircleCI(t *testing.T, body, step string) ([]collected, error) {
	t.Helper()
	r, err := NewCircleCIReader(strings.NewReader(body), step)
	if err != nil {
		return nil, err
	}
	var out []collected
	for r.Next() {
		l := r.Line()
		out = append(out, collected{Line: l, S: string(l.Text)})
	}
	return out, r.Err()
}

func TestCircleCIReader(t *testing.T) {
	tests := []struct {
		name string
		body string
		want []string
	}{
		{"segments split mid-line", `[{"message":"he","time":"t","type":"out"},{"message":"llo\r\nwor","type":"err"},{"message":"ld\r\n"}]`, []string{"hello", "world"}},
		{"escapes and progress", `[{"message":"\u001b[32mok\u001b[0m\r\n\r50%\r100%\n"}]`, []string{"ok", "", "50%", "100%"}},
		{"empty array", `[]`, nil},
		{"null body", `null`, nil},
		{"unknown fields ignored", `[{"message":"a","truncated":false,"extra":{"x":[1]}}]`, []string{"a"}},
		{"empty messages", `[{"message":""},{"message":"x"},{"message":""}]`, []string{"x"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := readCircleCI(t, tt.body, "Run tests")
			if err != nil {
				t.Fatal(err)
			}
			if strings.Join(texts(got), "|") != strings.Join(tt.want, "|") {
				t.Fatalf("got %q, want %q", texts(got), tt.want)
			}
			for _, l := range got {
				if l.Step != "Run tests" {
					t.Errorf("line %d step %q", l.Num, l.Step)
				}
			}
		})
	}
}

func TestCircleCIReaderErrors(t *testing.T) {
	tests := []struct {
		name, body, wantErr string
		atStart             bool
	}{
		{"empty body", ``, "empty body", true},
		{"object body", `{"message":"x"}`, "want a JSON array", true},
		{"string body", `"x"`, "want a JSON array", true},
		{"not json", `<html>`, "invalid character", true},
		{"segment without message", `[{"type":"out"}]`, `segment 1 has no "message"`, false},
		{"message not a string", `[{"message":"a"},{"message":3}]`, "segment 2", false},
		{"truncated body", `[{"message":"a\n"},{"mess`, "segment 2", false},
		{"unterminated array", `[{"message":"a\n"}`, "after segment 1", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readCircleCI(t, tt.body, "s")
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) || !strings.Contains(err.Error(), "circleci step output") {
				t.Fatalf("err = %v, want one containing %q", err, tt.wantErr)
			}
			if _, err := NewCircleCIReader(strings.NewReader(tt.body), "s"); (err != nil) != tt.atStart {
				t.Errorf("constructor err = %v, want an error only for a body that is not an array", err)
			}
		})
	}
}

// TestCircleCIFixtures reads every real step output body and checks that streaming the segments
// gives the lines of the concatenated messages.
func TestCircleCIFixtures(t *testing.T) {
	dir := filepath.Join(corpusDir(t), "api", "circleci", "fixtures")
	files := []string{
		"ci-bot/circleci.action-output.json",
		"ci-reporter/circle/output.json",
		"ci_runner/circleci/job_container_output.json",
		"ci_runner/circleci/job_setup_output.json",
		"ci_runner/circleci/job_test_output.json",
		"gitauto/log_entries.json",
	}
	for _, f := range files {
		body, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Skipf("CircleCI fixtures not available: %v", err)
		}
		var segs []struct{ Message string }
		if err := json.Unmarshal(body, &segs); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		var all strings.Builder
		for _, s := range segs {
			all.WriteString(s.Message)
		}
		got, err := readCircleCI(t, string(body), "Run tests")
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		want := readAll(t, []byte(all.String()), Options{Step: "Run tests"})
		if d := firstDiff(texts(got), texts(want)); d != "" || len(got) < 5 {
			t.Errorf("%s: %s (%d lines)", f, d, len(got))
		}
		checkInvariants(t, f, got)
	}
}

func TestCircleCIFixtureText(t *testing.T) {
	body, err := os.ReadFile(filepath.Join(corpusDir(t), "api", "circleci", "fixtures", "ci-reporter", "circle", "output.json"))
	if err != nil {
		t.Skipf("fixture not available: %v", err)
	}
	got, err := readCircleCI(t, string(body), "npm test")
	if err != nil {
		t.Fatal(err)
	}
	// The body starts "\r\n> todo@1.0.0 test …" with colour codes around PASS lines.
	if got[0].S != "" || got[1].S != "> todo@1.0.0 test /home/circleci/repo" || got[4].S != " PASS  __tests__/lib/metadata.js" {
		t.Errorf("first lines %q", texts(got[:5]))
	}
}
