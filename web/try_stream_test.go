package web

import (
	"bufio"
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/totto-ci/totto/ingest"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// addFailedJob stores one more failed job of the world's repository with a log of content and
// returns it; same content, same stored log.
func (w *world) addFailedJob(t *testing.T, ext, content string) store.Job {
	t.Helper()
	ctx := t.Context()
	at := testNow
	j, err := w.st.UpsertJob(ctx, store.Job{Provider: "github-actions", ExternalID: ext, Attempt: 1, RepoID: w.repo.ID,
		SHA: strings.Repeat("c", 40), Branch: "main", Name: "test " + ext, Conclusion: "failure", StartedAt: &at, CompletedAt: &at})
	if err != nil {
		t.Fatalf("job %s: %v", ext, err)
	}
	l, err := ingest.StoreLog(ctx, w.st, w.blobs, strings.NewReader(content), 0)
	if err != nil {
		t.Fatalf("log of job %s: %v", ext, err)
	}
	if err := w.st.SetJobLog(ctx, j.ID, &l.ID, store.LogStored, ""); err != nil {
		t.Fatalf("link log of job %s: %v", ext, err)
	}
	j.LogID, j.LogState = &l.ID, store.LogStored
	return j
}

// gatedBlobs holds the opening of one stored log until released, saying when it is asked for.
type gatedBlobs struct {
	blob.Store
	key     string
	asked   chan struct{}
	release chan struct{}
}

func (g *gatedBlobs) Open(ctx context.Context, key string) (io.ReadCloser, error) {
	if key == g.key {
		g.asked <- struct{}{}
		select {
		case <-g.release:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
	}
	return g.Store.Open(ctx, key)
}

// readUntil reads the streamed body until it holds want, returning what was read.
func readUntil(t *testing.T, r *bufio.Reader, sofar *strings.Builder, want string) {
	t.Helper()
	for !strings.Contains(sofar.String(), want) {
		line, err := r.ReadString('\n')
		sofar.WriteString(line)
		if err != nil {
			t.Fatalf("body ended (%v) before %q:\n%s", err, want, sofar.String()[max(0, sofar.Len()-3000):])
		}
	}
}

// The first hit reaches the browser while the trial is still reading older logs: the page is
// flushed as hits are found, and the summary comes once the scan ends.
func TestTryStreamsFirstHitsBeforeTheScanEnds(t *testing.T) {
	w := seed(t, openSQLite(t))
	older := w.addFailedJob(t, "s1", "compiling\nneedle in an older log\n")
	w.addFailedJob(t, "s2", "compiling\nneedle in the newest log\n")
	l, err := w.st.Log(t.Context(), *older.LogID)
	if err != nil {
		t.Fatal(err)
	}
	gb := &gatedBlobs{Store: w.blobs, key: l.StorageKey, asked: make(chan struct{}, 1), release: make(chan struct{})}
	c := newClient(t, w.handler(t, func(d *Deps) { d.Blobs = gb }))
	resp, err := c.hc.Get(c.srv.URL + "/try?expr=needle&kind=literal")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body := bufio.NewReader(resp.Body)
	var got strings.Builder
	readUntil(t, body, &got, "</mark> in the newest log")
	<-gb.asked // the trial now waits on the older log
	if strings.Contains(got.String(), `id="try-summary"`) {
		t.Fatal("the summary arrived before the scan ended")
	}
	close(gb.release)
	rest, err := io.ReadAll(body)
	if err != nil {
		t.Fatal(err)
	}
	page := got.String() + string(rest)
	for _, want := range []string{"needle</mark> in an older log", `<span id="hit-failed">2</span>`, `<span id="try-logs">6</span> of <span id="try-total">6</span>`, `id="try-all"`} {
		if !strings.Contains(page, want) {
			t.Errorf("streamed page lacks %q:\n%.4000s", want, page)
		}
	}
}

var sampleJobRe = regexp.MustCompile(`<a class="job-ref" href="/jobs/(\d+)`)

// Following "search the next N" pages through every log newest first, each log once (a log two
// jobs share under its newest job), with counts that say what each page covered.
func TestTryPagesResumeWithoutRepeatsOrGaps(t *testing.T) {
	backends(t, func(t *testing.T, st store.Store) {
		w := seed(t, st)
		var want []int64
		for i := range 7 {
			j := w.addFailedJob(t, "p"+strconv.Itoa(i), "step\nneedle number "+strconv.Itoa(i)+"\n")
			want = append(want, j.ID)
		}
		w.addFailedJob(t, "shared-old", "needle shared\n")
		shared := w.addFailedJob(t, "shared-new", "needle shared\n")
		want = append(want, shared.ID)
		slices.Reverse(want)
		c := newClient(t, w.handler(t, nil))
		next := "/try?" + url.Values{"expr": {"needle"}, "kind": {"literal"}, "logs": {"3"}, "name": {`"><script>alert(1)</script>`}}.Encode()
		var got []int64
		for page := 1; next != ""; page++ {
			if page > 10 {
				t.Fatal("paging does not end")
			}
			r := c.get(next)
			mustContain(t, r, http.StatusOK, `id="try-summary"`)
			mustNotContain(t, r, "<script>alert(1)")
			for _, m := range sampleJobRe.FindAllStringSubmatch(r.body, -1) {
				id, _ := strconv.ParseInt(m[1], 10, 64)
				got = append(got, id)
			}
			// 4 seeded logs + 7 + 1 shared = 12 logs; pages of 3.
			if page == 2 {
				mustContain(t, r, 200, `<span id="try-logs">3</span> of <span id="try-total">12</span>`, "after the 3 newer ones", `<span id="try-remaining">6</span>`)
			}
			next = ""
			if m := regexp.MustCompile(`id="try-more" href="([^"]+)"`).FindStringSubmatch(r.body); m != nil {
				next = html.UnescapeString(m[1])
			} else {
				mustContain(t, r, 200, `id="try-all"`)
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("hits over every page: jobs %v, want %v (newest first, each log once)", got, want)
		}
	})
}

// The byte budget stops a page after the log that reached it and says so; the next page resumes
// with the following log.
func TestTryStopsAtItsByteBudget(t *testing.T) {
	w := seed(t, openSQLite(t))
	older := w.addFailedJob(t, "b1", "needle one\n")
	newer := w.addFailedJob(t, "b2", "needle two\n")
	c := newClient(t, w.handler(t, func(d *Deps) { d.TryBytes = 1 }))
	r := c.get("/try?expr=needle&kind=literal")
	mustContain(t, r, http.StatusOK, `<span id="try-logs">1</span>`, "Partial result: stopped after reading 11 bytes of logs, the trial&#39;s budget",
		`href="/jobs/`+strconv.FormatInt(newer.ID, 10), `id="try-more"`)
	m := regexp.MustCompile(`id="try-more" href="([^"]+)"`).FindStringSubmatch(r.body)
	r = c.get(html.UnescapeString(m[1]))
	mustContain(t, r, http.StatusOK, `<span id="try-logs">1</span>`, `href="/jobs/`+strconv.FormatInt(older.ID, 10), "after the 1 newer ones")
}
