package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/mattn/go-isatty"

	"github.com/totto-ci/totto/scan"
)

func init() {
	register(&command{name: "rescan", summary: "scan stored logs with the patterns they were not scanned with yet", run: runRescan})
}

const rescanHelp = `usage: totto rescan [--workers N] [--progress-every N] [--database URL] [--logs DIR|URL]

Scans every stored (log, pattern) pair not scanned yet: one query finds the pending logs, each is
read once for all its missing patterns, and its matches and scan watermark are written in one
transaction. Interrupt it at any moment (even kill -9) and run it again: it resumes with no match
lost or doubled. It then records the failing tests of failed jobs whose logs were never read for
them (jobs stored by an older release), as the App, backfill and ingest do for every new log. Progress goes to standard output, redrawn in place on a terminal, as plain lines
otherwise.

Exit codes: 0 every pending log scanned; 1 some logs could not be read (listed on standard error;
they stay pending); 2 usage error; 3 database error (rerun to resume).
` + storeFlagsHelp + `
flags:
`

func runRescan(ctx context.Context, env *cliEnv, args []string) error {
	fs := flag.NewFlagSet("rescan", flag.ContinueOnError)
	workers := fs.Int("workers", 0, "logs scanned in parallel (default: number of CPUs)")
	every := fs.Int("progress-every", 0, "without a terminal, print progress every N logs (default: every 5% or 2 s)")
	sf := addStoreFlags(fs)
	rest, done, err := parseSubcommandFlags(env, fs, rescanHelp, args)
	if done {
		return err
	}
	if len(rest) > 0 {
		return withCode(exitUsage, fmt.Errorf("unexpected argument %q", rest[0]))
	}
	st, blobs, err := sf.open(ctx, env, true)
	if err != nil {
		return err
	}
	defer st.Close()
	defer blobs.Close()
	pr := newProgressPrinter(env.stdout, *every)
	res, err := scan.Rescan(ctx, st, blobs, scan.RescanOptions{Workers: *workers, Progress: pr.update})
	pr.finish(res)
	for _, f := range res.Failures {
		fmt.Fprintf(env.stderr, "totto rescan: log %d (%s) not scanned: %v\n", f.LogID, f.Key, f.Err)
	}
	if err != nil {
		if errors.Is(err, context.Canceled) {
			return withCode(exitError, errors.New("interrupted; run again to resume"))
		}
		return withCode(exitError, fmt.Errorf("%w (run again to resume)", err))
	}
	tests, err := scan.RecordMissingTests(ctx, st, blobs, time.Now())
	if tests.Jobs > 0 {
		fmt.Fprintf(env.stdout, "failing tests recorded for %d job(s)\n", tests.Jobs)
	}
	for _, f := range tests.Failures {
		fmt.Fprintf(env.stderr, "totto rescan: %v\n", f)
	}
	if err != nil {
		return withCode(exitError, fmt.Errorf("%w (run again to resume)", err))
	}
	if n := len(res.Failures) + len(tests.Failures); n > 0 {
		return withCode(exitFindings, fmt.Errorf("%d log(s) could not be read", n))
	}
	return nil
}

// progressPrinter shows rescan progress: redrawn with "\r" on a terminal, plain lines otherwise.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	every    int
	lastDone int
	lastAt   time.Time
}

func newProgressPrinter(w io.Writer, every int) *progressPrinter {
	f, ok := w.(*os.File)
	return &progressPrinter{w: w, terminal: ok && isatty.IsTerminal(f.Fd()), every: every, lastAt: time.Now()}
}

func (p *progressPrinter) update(s scan.RescanProgress) {
	now := time.Now()
	if p.terminal {
		if now.Sub(p.lastAt) < 100*time.Millisecond {
			return
		}
		p.lastAt = now
		fmt.Fprintf(p.w, "\r\x1b[K%s", progressLine(s))
		return
	}
	step := p.every
	if step <= 0 {
		step = max(1, int(s.Total/20))
	}
	if s.Done-p.lastDone < step && now.Sub(p.lastAt) < 2*time.Second {
		return
	}
	p.lastDone, p.lastAt = s.Done, now
	fmt.Fprintf(p.w, "rescan: %s\n", progressLine(s))
}

func progressLine(s scan.RescanProgress) string {
	secs := s.Elapsed.Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(s.Bytes) / 1e6 / secs
	}
	eta := "?"
	if s.Done > 0 && s.Total > int64(s.Done) {
		left := time.Duration(float64(s.Elapsed) / float64(s.Done) * float64(s.Total-int64(s.Done)))
		eta = left.Round(time.Second).String()
	} else if s.Total <= int64(s.Done) {
		eta = "0s"
	}
	return fmt.Sprintf("%d/%d logs done, %.1f MB/s, %d matches, ETA %s", s.Done, s.Total, rate, s.Matches, eta)
}

func (p *progressPrinter) finish(r scan.RescanResult) {
	if p.terminal {
		fmt.Fprint(p.w, "\r\x1b[K")
	}
	fmt.Fprintf(p.w, "rescanned %d log(s), %d match(es), %.1f MB in %s; %d failed\n",
		r.Done, r.Matches, float64(r.Bytes)/1e6, r.Elapsed.Round(time.Millisecond), r.Failed)
}
