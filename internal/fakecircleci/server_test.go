package fakecircleci

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// recordingTB keeps the fake's complaints instead of failing the test, and runs cleanups on demand.
type recordingTB struct {
	testing.TB
	errs     []string
	cleanups []func()
}

func (r *recordingTB) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}
func (r *recordingTB) Cleanup(f func()) { r.cleanups = append(r.cleanups, f) }

// API v2 requests are checked against CircleCI's description: a well-formed re-run passes, a
// body CircleCI would reject (from_failed as a string) and an unknown operation fail the test.
func TestV2TrafficIsValidated(t *testing.T) {
	rec := &recordingTB{TB: t}
	s := New(rec)
	s.AddWorkflow(Workflow{ID: "95f4abd1-5220-4946-af38-a27354085788", Name: "w", Project: "gh/o/r", Status: "failed"})
	post := func(path, body string) int {
		req, _ := http.NewRequest(http.MethodPost, s.URL+path, strings.NewReader(body))
		req.Header.Set("Circle-Token", "t")
		req.Header.Set("Content-Type", "application/json")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/api/v2/workflow/95f4abd1-5220-4946-af38-a27354085788/rerun", `{"from_failed":true}`); code != http.StatusAccepted {
		t.Fatalf("re-run answered %d", code)
	}
	if v := s.Violations(); len(v) != 0 {
		t.Fatalf("a valid re-run was called a violation: %v", v)
	}
	post("/api/v2/workflow/95f4abd1-5220-4946-af38-a27354085788/rerun", `{"from_failed":"yes"}`)
	post("/api/v2/workflow/95f4abd1-5220-4946-af38-a27354085788/approve", `{}`)
	for _, f := range rec.cleanups {
		f()
	}
	if len(rec.errs) != 2 || !strings.Contains(rec.errs[0], "rerunWorkflow") || !strings.Contains(rec.errs[1], "no such operation") {
		t.Errorf("violations reported: %q", rec.errs)
	}
}
