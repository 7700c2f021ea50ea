// Command loadgen is the reliability suite's load generator and judge. It sends signed,
// real-shaped webhook deliveries (GitHub Actions check runs, CircleCI statuses, /totto comments,
// all variations of corpus captures with unique ids and SHAs) to a running `totto serve` at
// rising rates, measures how fast each is acknowledged, then waits, with a deadline, until the
// fake GitHub holds exactly one correct check run per commit.
//
//	loadgen run    -target URL -fake URL -secret S -rates 100,250,500,750 -duration 10s [-db URL] [-out FILE]
//	loadgen send   ... -expect FILE     (send only; for runs where totto is killed meanwhile)
//	loadgen verify -fake URL -expect FILE [-db URL] [-deadline 5m]
//	loadgen pg create|drop|terminate URL SCHEMA
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"time"

	"github.com/totto-ci/totto/internal/testcorpus"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: loadgen run|send|verify|pg ...")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "run", "send":
		err = runSend(ctx, os.Args[1] == "run", os.Args[2:])
	case "verify":
		err = runVerify(ctx, os.Args[2:])
	case "pg":
		err = runPG(ctx, os.Args[2:])
	default:
		err = fmt.Errorf("unknown subcommand %q: want run, send, verify or pg", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(1)
	}
}

func runSend(ctx context.Context, verify bool, args []string) error {
	fs := flag.NewFlagSet("send", flag.ContinueOnError)
	target := fs.String("target", "http://127.0.0.1:8080/api/github/hook", "totto's webhook `URL` (a comma list spreads deliveries over several processes)")
	fake := fs.String("fake", "http://127.0.0.1:9100", "fakegh's `URL`")
	secret := fs.String("secret", "reliability-secret", "webhook `SECRET`")
	rates := fs.String("rates", "100,250,500,750", "deliveries per second of each stage")
	duration := fs.Duration("duration", 10*time.Second, "length of each stage")
	repos := fs.Int("repos", 8, "repositories the commits are spread over")
	runID := fs.String("run", "r"+strconv.FormatInt(time.Now().Unix(), 36), "run `ID` making delivery ids and SHAs unique")
	redeliver := fs.Duration("redeliver", 0, "redeliver an unacknowledged delivery for up to this long (0: count it as an error only)")
	dbURL := fs.String("db", "", "the App's database `URL`, to wait until its queue is empty too")
	deadline := fs.Duration("deadline", 5*time.Minute, "how long to wait for every commit's check run")
	out := fs.String("out", "", "append the results as JSON lines to `FILE`")
	expectPath := fs.String("expect", "", "write what was sent to `FILE` (for loadgen verify)")
	label := fs.String("label", "", "a `NAME` for this run in the results")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var stageRates []int
	for _, r := range strings.Split(*rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || n <= 0 {
			return fmt.Errorf("-rates %q: %q is not a positive number", *rates, r)
		}
		stageRates = append(stageRates, n)
	}
	corpus := testcorpus.Dir()
	if corpus == "" {
		return errors.New("the corpus (../shared/corpus or TOTTO_CORPUS) is needed for the delivery shapes")
	}
	sh, err := loadShapes(corpus)
	if err != nil {
		return err
	}
	g := &generator{s: sh, run: *runID, repos: *repos}
	s := newSender(*target, *fake, *secret, *redeliver)
	var results []stageResult
	for _, rate := range stageRates {
		want := int(float64(rate) * duration.Seconds())
		var ds []delivery
		for len(ds) < want {
			more, err := g.commitDeliveries()
			if err != nil {
				return err
			}
			ds = append(ds, more...)
		}
		if err := s.register(ctx, ds); err != nil {
			return err
		}
		r := s.stage(ctx, rate, ds)
		results = append(results, r)
		fmt.Printf("%s rate %4d/s: sent %6d in %5.1fs (%.0f/s)  ack p50 %6.2f ms  p99 %7.2f ms  max %8.2f ms  errors %d  lost %d  sender lag max %.1f ms\n",
			*label, r.Rate, r.Sent, r.Seconds, r.Achieved, r.P50ms, r.P99ms, r.MaxMs, r.Errors, r.Lost, r.MaxLagMs)
		if r.FirstError != "" {
			fmt.Printf("  first error: %s\n", r.FirstError)
		}
	}
	if *expectPath != "" {
		b, _ := json.Marshal(g.expect)
		if err := os.WriteFile(*expectPath, b, 0o644); err != nil {
			return fmt.Errorf("write -expect: %w", err)
		}
	}
	report := map[string]any{"label": *label, "stages": results, "commits": len(g.expect.Commits), "commands": g.expect.Commands}
	var failed error
	for _, r := range results {
		if r.Lost > 0 {
			failed = errors.Join(failed, fmt.Errorf("%d deliveries at %d/s were never acknowledged", r.Lost, r.Rate))
		}
	}
	if verify {
		v, took, err := waitProcessed(ctx, *fake, *dbURL, g.expect, *deadline, func(v verdict) { fmt.Printf("%s  draining: %s\n", *label, v) })
		if err != nil {
			return err
		}
		fmt.Printf("%s processed after %.1fs: %s\n", *label, took.Seconds(), v)
		report["drain_seconds"], report["verdict"] = took.Seconds(), v
		if !v.complete() {
			failed = errors.Join(failed, fmt.Errorf("not everything was processed to one right check run: %s", v))
		}
	}
	if *out != "" {
		if err := appendJSON(*out, report); err != nil {
			return err
		}
	}
	return failed
}

func runVerify(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("verify", flag.ContinueOnError)
	fake := fs.String("fake", "http://127.0.0.1:9100", "fakegh's `URL`")
	expectPath := fs.String("expect", "", "what was sent (`FILE` from loadgen send)")
	dbURL := fs.String("db", "", "the App's database `URL`, to wait until its queue is empty too")
	deadline := fs.Duration("deadline", 5*time.Minute, "how long to wait")
	label := fs.String("label", "", "a `NAME` for this run in the results")
	out := fs.String("out", "", "append the verdict as a JSON line to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	b, err := os.ReadFile(*expectPath)
	if err != nil {
		return fmt.Errorf("-expect: %w", err)
	}
	var exp Expect
	if err := json.Unmarshal(b, &exp); err != nil {
		return fmt.Errorf("-expect %s: %w", *expectPath, err)
	}
	v, took, err := waitProcessed(ctx, *fake, *dbURL, exp, *deadline, func(v verdict) { fmt.Printf("%s  draining: %s\n", *label, v) })
	if err != nil {
		return err
	}
	fmt.Printf("%s processed after %.1fs: %s\n", *label, took.Seconds(), v)
	if *out != "" {
		if err := appendJSON(*out, map[string]any{"label": *label, "drain_seconds": took.Seconds(), "verdict": v}); err != nil {
			return err
		}
	}
	if !v.complete() {
		return fmt.Errorf("not everything was processed to one right check run: %s", v)
	}
	return nil
}

func appendJSON(path string, v any) error {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("results file: %w", err)
	}
	defer f.Close()
	if err := json.NewEncoder(f).Encode(v); err != nil {
		return fmt.Errorf("write results to %s: %w", path, err)
	}
	return nil
}
