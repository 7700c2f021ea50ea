package main

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/scan"
)

func TestProgressLine(t *testing.T) {
	tests := []struct {
		p    scan.RescanProgress
		want string
	}{
		{scan.RescanProgress{Done: 0, Total: 10}, "0/10 logs done, 0.0 MB/s, 0 matches, ETA ?"},
		{scan.RescanProgress{Done: 5, Total: 10, Bytes: 10e6, Matches: 3, Elapsed: 2 * time.Second}, "5/10 logs done, 5.0 MB/s, 3 matches, ETA 2s"},
		{scan.RescanProgress{Done: 10, Total: 10, Bytes: 1e6, Elapsed: time.Second}, "10/10 logs done, 1.0 MB/s, 0 matches, ETA 0s"},
	}
	for _, tc := range tests {
		if got := progressLine(tc.p); got != tc.want {
			t.Errorf("progressLine(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// TestProgressPlain: without a terminal, progress is plain lines (never "\r"), every N logs.
func TestProgressPlain(t *testing.T) {
	var buf bytes.Buffer
	p := newProgressPrinter(&buf, 2)
	for i := 1; i <= 5; i++ {
		p.update(scan.RescanProgress{Done: i, Total: 5})
	}
	p.finish(scan.RescanResult{RescanProgress: scan.RescanProgress{Done: 5}})
	out := buf.String()
	if strings.Contains(out, "\r") {
		t.Fatalf("plain output has carriage returns: %q", out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "rescan: 2/5") || !strings.HasPrefix(lines[1], "rescan: 4/5") ||
		!strings.HasPrefix(lines[2], "rescanned 5 log(s)") {
		t.Fatalf("progress lines:\n%s", out)
	}
}
