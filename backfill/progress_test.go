package backfill

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestSummary(t *testing.T) {
	cases := []struct {
		p    Progress
		want []string
		not  []string
	}{
		{p: Progress{Listed: 3}, want: []string{"jobs 3 listed…", "logs 0/0 fetched"}, not: []string{"ETA", "MB/s"}},
		{p: Progress{Listed: 10, ToFetch: 8, Downloaded: 2, FromCache: 2, Bytes: 4e6, Elapsed: 2 * time.Second, ListingDone: true},
			want: []string{"jobs 10 listed |", "logs 4/8 fetched", "4.0 MB", "2.0 logs/s", "2.0 MB/s", "2 cached", "ETA 2s"}, not: []string{"ETA 2s+"}},
		{p: Progress{Listed: 10, ToFetch: 8, Downloaded: 4, Elapsed: 2 * time.Second}, want: []string{"ETA 2s+"}},
		{p: Progress{ToFetch: 2, Unavailable: 1, Failed: 1, Scanned: 5, Elapsed: time.Second, ListingDone: true},
			want: []string{"logs 2/2 fetched", "1 unavailable, 1 failed", "scanned 5"}, not: []string{"ETA"}},
	}
	for _, c := range cases {
		got := Summary(c.p)
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

func TestPrinter(t *testing.T) {
	var term, plain bytes.Buffer
	tp := &Printer{W: &term, Terminal: true, Interval: time.Second}
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
	if strings.Contains(plain.String(), "\r") || strings.Count(plain.String(), "\n") != 3 {
		t.Fatalf("non-terminal: want a plain line at 0s, 1s and 2s, got %q", plain.String())
	}
}
