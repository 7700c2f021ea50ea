package backfill

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestSummary(t *testing.T) {
	wait := time.Date(2026, 12, 1, 14, 3, 5, 0, time.Local)
	cases := []struct {
		p    Progress
		want []string
		not  []string
	}{
		{p: Progress{Listed: 3}, want: []string{"jobs 3", "logs 0/0+"}, not: []string{"ETA", "logs/s"}},
		{p: Progress{Listed: 10, ToFetch: 8, Downloaded: 2, FromCache: 2, Bytes: 4e6, Elapsed: 2 * time.Second, ListingDone: true},
			want: []string{"logs 4/8 |", "4.0 MB", "2.0 logs/s", "2 cached", "ETA 2s"}},
		// While listing, the ETA extrapolates from the runs listed: 4 logs in 2 s, 8 listed in a
		// quarter of the runs, so 28 more logs at 2 logs/s.
		{p: Progress{Runs: 25, RunsTotal: 100, ToFetch: 8, Downloaded: 4, Elapsed: 2 * time.Second}, want: []string{"ETA 14s", "runs 25/100"}},
		{p: Progress{ToFetch: 2, Unavailable: 1, Failed: 1, Scanned: 5, Elapsed: time.Second, ListingDone: true},
			want: []string{"logs 2/2", "1 unavailable", "1 failed", "scanned 5"}, not: []string{"ETA"}},
		{p: Progress{ToFetch: 9, Downloaded: 3, Retries: 7, RateLimited: 2, WaitingUntil: wait, Elapsed: time.Second},
			want: []string{"waiting for rate limit until 14:03:05", "7 retries, 2 rate-limited"}},
	}
	for _, c := range cases {
		got := Summary(c.p, 0)
		for _, w := range c.want {
			if !strings.Contains(got, w) {
				t.Errorf("%+v: %q lacks %q", c.p, got, w)
			}
		}
		for _, n := range c.not {
			if strings.Contains(got, n) {
				t.Errorf("%+v: %q has %q", c.p, got, n)
			}
		}
	}
}

// On a narrow terminal the line drops its least important parts and never wraps; the pause and
// the log counts stay.
func TestSummaryFitsWidth(t *testing.T) {
	p := Progress{Runs: 583, RunsTotal: 5000, Listed: 760, ToFetch: 746, Downloaded: 738, Bytes: 286344000, FromCache: 12,
		AlreadyStored: 40, Unavailable: 6, Failed: 2, Retries: 849, RateLimited: 3, Elapsed: 11 * time.Second,
		WaitingUntil: time.Date(2026, 12, 1, 14, 3, 5, 0, time.Local)}
	full := Summary(p, 0)
	for _, w := range []int{79, 60, 40} {
		got := Summary(p, w)
		if n := len([]rune(got)); n > w {
			t.Errorf("width %d: %d characters: %q", w, n, got)
		}
		if !strings.Contains(got, "waiting for rate limit until 14:03:05") {
			t.Errorf("width %d: the pause is gone: %q", w, got)
		}
	}
	if got := Summary(p, 79); !strings.Contains(got, "logs 758/746+") || len(got) >= len(full) {
		t.Errorf("width 79: %q (full %q)", got, full)
	}
}

func TestPrinter(t *testing.T) {
	var term, plain bytes.Buffer
	tp := &Printer{W: &term, Terminal: true, Interval: time.Second, Width: func() int { return 50 }}
	pp := &Printer{W: &plain, Interval: time.Second}
	for i := range 30 { // 2.9 s of updates every 100 ms
		p := Progress{Listed: i, Elapsed: time.Duration(i) * 100 * time.Millisecond}
		tp.Update(p)
		pp.Update(p)
	}
	tp.Done(Progress{Listed: 30, ListingDone: true})
	if n := strings.Count(term.String(), "\r\033[K"); n != 3+1 || strings.Count(term.String(), "\n") != 1 {
		t.Fatalf("terminal: %d redraws, %d newlines: %q", n, strings.Count(term.String(), "\n"), term.String())
	}
	for _, l := range strings.Split(term.String(), "\r\033[K") {
		if n := len([]rune(strings.TrimSuffix(l, "\n"))); n > 49 {
			t.Fatalf("terminal line of %d characters on 50 columns: %q", n, l)
		}
	}
	if strings.Contains(plain.String(), "\r") || strings.Count(plain.String(), "\n") != 3 {
		t.Fatalf("non-terminal: want a plain line at 0s, 1s and 2s, got %q", plain.String())
	}
}

// During a rate-limit pause nothing changes, yet the progress shows the pause: the backfill
// reports at least every second.
func TestProgressShowsPause(t *testing.T) {
	e := newEnv(t)
	e.history(1, 10)
	e.gh.RateLimitNext(1, time.Now().Add(90*time.Second).Unix(), 0)
	o := e.opts()
	o.FailedOnly = true
	shown := make(chan time.Time, 1)
	o.Progress = func(p Progress) {
		if !p.WaitingUntil.IsZero() {
			select {
			case shown <- p.WaitingUntil:
			default:
			}
		}
	}
	o.Sleep = func(ctx context.Context, d time.Duration) error {
		select { // the pause lasts until the display has shown it
		case until := <-shown:
			shown <- until
		case <-time.After(10 * time.Second):
			t.Error("the pause was not shown within 10 s")
		}
		return e.waits.sleep(ctx, d)
	}
	if _, err := Run(context.Background(), o); err != nil {
		t.Fatal(err)
	}
	if until := <-shown; until.Unix() < time.Now().Unix()+60 {
		t.Fatalf("shown waiting until %s, want the reset about 90 s ahead", until)
	}
}
