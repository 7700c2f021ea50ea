package backfill

import (
	"context"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ciprovider"
	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/internal/testcorpus"
	"github.com/totto-ci/totto/store"
)

// circleHistory serves n real builds of main from the corpus: odd numbers failed (build 16's
// response), even ones succeeded (build 15's); failed builds numbered 10k+1 have expired output.
func circleHistory(t *testing.T, n int) (f *fakecircleci.Server, failed, expired int) {
	dir := testcorpus.Path(t, "api", "circleci", "fixtures", "gitauto")
	read := func(name string) map[string]any {
		raw, err := os.ReadFile(dir + "/" + name)
		if err != nil {
			t.Fatal(err)
		}
		var b map[string]any
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		return b
	}
	entries, err := os.ReadFile(dir + "/log_entries.json")
	if err != nil {
		t.Fatal(err)
	}
	f = fakecircleci.New(t)
	for num := 1; num <= n; num++ {
		b := read(map[bool]string{true: "build_16.json", false: "build_15.json"}[num%2 == 1])
		b["build_num"], b["branch"] = num, "main"
		b["queued_at"] = time.Date(2025, 8, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(num) * time.Minute).Format(time.RFC3339)
		outputs := map[string][]byte{}
		if num%2 == 1 {
			failed++
			if num%10 == 1 {
				expired++
			} else {
				for _, s := range b["steps"].([]any) {
					for _, a := range s.(map[string]any)["actions"].([]any) {
						if u, _ := a.(map[string]any)["output_url"].(string); u != "" {
							outputs[u] = entries
						}
					}
				}
			}
		}
		raw, _ := json.Marshal(b)
		f.AddBuild(t, "github", "octo", "widgets", num, raw, outputs)
	}
	other := read("build_16.json")
	other["build_num"] = n + 1 // on the fixture's own branch: never listed
	raw, _ := json.Marshal(other)
	f.AddBuild(t, "github", "octo", "widgets", n+1, raw, nil)
	return f, failed, expired
}

func circleOpts(e *env, f *fakecircleci.Server) Options {
	o := e.opts()
	o.Actions = nil
	o.CircleCI = &ciprovider.CircleCI{BaseURL: f.APIBase(), Token: "circle-token", API: &http.Client{Timeout: 10 * time.Second},
		Logs: ciprovider.LogHTTPClient(loopbackOf(f.URL), 10*time.Second), Hosts: loopbackOf(f.URL)}
	return o
}

func TestCircleBackfillPaginatesWithOffset(t *testing.T) {
	f, failed, expired := circleHistory(t, 105)
	e := newEnv(t)
	o := circleOpts(e, f)
	o.SampleSuccess = 3 // CircleCI successes have no failed step output: nothing to sample
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Listed != 105 || res.Downloaded != failed-expired || res.Unavailable != expired || res.Failed != 0 {
		t.Fatalf("progress %+v failures %v", res.Progress, res.Failures)
	}
	var offsets []string
	for _, r := range f.Requests() {
		if strings.Contains(r.URL.Path, "/tree/main") {
			offsets = append(offsets, r.URL.Query().Get("offset"))
			if r.URL.Query().Get("filter") != "" {
				t.Fatalf("filter sent without --failed-only: %s", r.URL.RawQuery)
			}
		}
		if strings.HasPrefix(r.URL.Path, "/output/") && r.Header.Get("Circle-Token") != "" {
			t.Fatal("the CircleCI token was sent to the output host")
		}
	}
	if strings.Join(offsets, ",") != "0,100" {
		t.Fatalf("tree pages at offsets %v, want 0,100", offsets)
	}
	j, err := e.st.Job(context.Background(), jobIDByExternal(t, e, "21"))
	if err != nil || j.LogState != store.LogUnavailable || j.Step == "" {
		t.Fatalf("expired build 21: %+v %v (want unavailable, with its failing step)", j, err)
	}
	if res.Scanned == 0 {
		t.Fatal("nothing scanned")
	}
}

func TestCircleBackfillFailedOnlyAndFaults(t *testing.T) {
	f, failed, expired := circleHistory(t, 30)
	e := newEnv(t)
	o := circleOpts(e, f)
	o.FailedOnly = true
	o.Concurrency = 1
	f.Answer("/api/v1.1/project/github/octo/widgets/3", http.StatusBadGateway)
	res, err := Run(context.Background(), o)
	if err != nil {
		t.Fatal(err)
	}
	if res.Listed != failed || res.Downloaded != failed-expired-1 || res.Failed != 1 {
		t.Fatalf("progress %+v", res.Progress)
	}
	for _, r := range f.Requests() {
		if strings.Contains(r.URL.Path, "/tree/") && r.URL.Query().Get("filter") != "failed" {
			t.Fatalf("--failed-only without filter=failed: %s", r.URL.RawQuery)
		}
	}
	if w := e.waits.all(); len(w) != o.attempts()-1 {
		t.Fatalf("backoff waits %v for the 502s, want %d", w, o.attempts()-1)
	}
	// The fault gone, the next run fetches only build 3: the builds completely processed are
	// not even stored again.
	f.Answer("/api/v1.1/project/github/octo/widgets/3", 0)
	res, err = Run(context.Background(), o)
	if err != nil || res.Downloaded != 1 || res.Listed != 1 {
		t.Fatalf("second run %+v %v", res.Progress, err)
	}
}

// A complete CircleCI backfill leaves a mark: the next one pages only until it meets a build the
// first covered, and processes only the builds queued since.
func TestCircleBackfillMark(t *testing.T) {
	f, failed, expired := circleHistory(t, 150)
	e := newEnv(t)
	o := circleOpts(e, f)
	o.FailedOnly = true
	if res, err := Run(context.Background(), o); err != nil || res.Downloaded != failed-expired {
		t.Fatalf("first run: %+v %v", res.Progress, err)
	}
	before := len(f.Requests())
	res, err := Run(context.Background(), o)
	if err != nil || res.Listed != 0 {
		t.Fatalf("second run: %+v %v", res.Progress, err)
	}
	pages := 0
	for _, r := range f.Requests()[before:] {
		if strings.Contains(r.URL.Path, "/tree/main") {
			pages++
		}
	}
	if pages != 1 {
		t.Fatalf("second run read %d pages of builds, want 1 (it stops at the first covered build)", pages)
	}
}
