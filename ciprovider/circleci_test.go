package ciprovider

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/internal/testcorpus"
)

func newCircle(t *testing.T) (*fakecircleci.Server, *CircleCI) {
	f := fakecircleci.New(t)
	hosts := loopbackOf(f.URL)
	c := &CircleCI{BaseURL: f.APIBase(), API: &http.Client{Timeout: 10 * time.Second},
		Logs: LogHTTPClient(hosts, 10*time.Second), Hosts: hosts}
	return f, c
}

// The real failed build from the corpus: one failed step, whose output is a real output_url body.
func TestCircleFailedOutputRealBuild(t *testing.T) {
	dir := testcorpus.Path(t, "api", "circleci", "fixtures", "gitauto")
	build, _ := os.ReadFile(dir + "/build_16.json")
	entries, _ := os.ReadFile(dir + "/log_entries.json")
	var meta struct {
		Steps []struct {
			Name    string
			Actions []struct {
				Status    string
				OutputURL string `json:"output_url"`
			}
		}
	}
	if err := json.Unmarshal(build, &meta); err != nil {
		t.Fatal(err)
	}
	outputs := map[string][]byte{}
	failedStep := ""
	for _, s := range meta.Steps {
		for _, a := range s.Actions {
			if a.Status == "failed" {
				outputs[a.OutputURL] = entries
				failedStep = s.Name
			}
		}
	}
	f, c := newCircle(t)
	f.AddBuild(t, "github", "octo", "widgets", 16, build, outputs)
	ctx := context.Background()
	b, err := c.Build(ctx, CircleTarget{"github", ident.Repo{Owner: "octo", Name: "widgets"}, 16})
	if err != nil {
		t.Fatal(err)
	}
	j := b.AsJob("octo/widgets", "fallback")
	if j.Conclusion != "failure" || j.ExternalID != "16" || j.Provider != ident.ProviderCircleCI {
		t.Fatalf("job = %+v", j)
	}
	rc, err := c.FailedOutput(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	text, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	var segs []struct{ Message string }
	json.Unmarshal(entries, &segs)
	if !strings.HasPrefix(string(text), "##[group]"+failedStep+"\n") || !strings.HasSuffix(string(text), "\n##[endgroup]\n") {
		t.Fatalf("output not framed by the step %q: %.200q", failedStep, text)
	}
	for _, s := range segs {
		if !strings.Contains(string(text), s.Message) {
			t.Fatalf("segment missing from the text: %.100q", s.Message)
		}
	}
	for _, r := range f.Requests() {
		if strings.HasPrefix(r.URL.Path, "/output/") && r.Header.Get("Circle-Token") != "" {
			t.Fatal("the CircleCI token was sent to the output host")
		}
	}
}

func TestCircleErrors(t *testing.T) {
	f, c := newCircle(t)
	ctx := context.Background()
	if _, err := c.Build(ctx, CircleTarget{"github", ident.Repo{Owner: "o", Name: "r"}, 1}); !IsUnavailable(err) {
		t.Fatalf("missing build: want Unavailable, got %v", err)
	}
	f.Answer("/api/v1.1/project/github/o/r/2", http.StatusBadGateway)
	if _, err := c.Build(ctx, CircleTarget{"github", ident.Repo{Owner: "o", Name: "r"}, 2}); err == nil {
		t.Fatal("502: want an error")
	} else if retry, _ := RetryAfter(err); !retry {
		t.Fatalf("502 must be retryable: %v", err)
	}
	f.Answer("/api/v1.1/project/github/o/r/3", http.StatusTooManyRequests)
	if _, err := c.Build(ctx, CircleTarget{"github", ident.Repo{Owner: "o", Name: "r"}, 3}); err == nil {
		t.Fatal("429: want an error")
	} else if retry, _ := RetryAfter(err); !retry {
		t.Fatalf("429 must be retryable: %v", err)
	}

	// A build whose failed step's output has expired: the stream ends with an Unavailable error.
	failed := true
	b := &CircleBuild{BuildNum: 4, Steps: []CircleStep{{Name: "test", Actions: []CircleAction{{Status: "failed", Failed: &failed, OutputURL: f.URL + "/output/gone"}}}}}
	rc, err := c.FailedOutput(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.ReadAll(rc); !IsUnavailable(err) {
		t.Fatalf("expired output: want Unavailable, got %v", err)
	}
	// No failed step with output at all.
	if _, err := c.FailedOutput(ctx, &CircleBuild{BuildNum: 5}); !IsUnavailable(err) {
		t.Fatalf("no failed step: want Unavailable, got %v", err)
	}
	// An output URL outside the allowed hosts is refused before any request.
	b.Steps[0].Actions[0].OutputURL = "http://169.254.169.254/latest/meta-data/"
	rc, _ = c.FailedOutput(ctx, b)
	if _, err := io.ReadAll(rc); err == nil || !strings.Contains(err.Error(), "not allowed") {
		t.Fatalf("metadata URL: want host refused, got %v", err)
	}
}

func TestWriteCircleOutputTextMalformed(t *testing.T) {
	for _, in := range []string{``, `{}`, `[{"message": 3}]`, `[{"message":"a"}`, `not json`} {
		if err := WriteCircleOutputText(io.Discard, strings.NewReader(in)); err == nil {
			t.Errorf("%q: want an error", in)
		}
	}
	var b strings.Builder
	if err := WriteCircleOutputText(&b, strings.NewReader(`[{"message":"a\r\n","time":"t","type":"out"},{"message":"b","type":"err"}]`)); err != nil || b.String() != "a\r\nb" {
		t.Fatalf("got %q, %v", b.String(), err)
	}
}
