package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/totto-ci/totto/app"
)

// stageResult is one rate step's acknowledgement figures.
type stageResult struct {
	Rate       int     `json:"rate"`
	Seconds    float64 `json:"seconds"`
	Sent       int     `json:"sent"`
	Achieved   float64 `json:"achieved_per_s"`
	P50ms      float64 `json:"p50_ms"`
	P99ms      float64 `json:"p99_ms"`
	MaxMs      float64 `json:"max_ms"`
	Errors     int     `json:"errors"`      // first attempts not acknowledged with 2xx
	Lost       int     `json:"lost"`        // deliveries never acknowledged, even redelivered
	MaxLagMs   float64 `json:"max_lag_ms"`  // how late the sender started a request
	FirstError string  `json:"first_error"` // a sample, for the report
}

// sender posts signed deliveries to totto at a fixed rate (open loop: a slow answer does not delay
// the next request, so latency is not hidden by the sender waiting).
type sender struct {
	targets   []string // webhook URLs, used in turn (several totto processes behind one load balancer)
	fake      string
	secret    []byte
	next      atomic.Uint64
	client    *http.Client
	redeliver time.Duration // keep redelivering an unacknowledged delivery for this long (0: never)
}

func newSender(target, fake, secret string, redeliver time.Duration) *sender {
	tr := &http.Transport{MaxIdleConns: 2000, MaxIdleConnsPerHost: 2000, IdleConnTimeout: time.Minute}
	return &sender{targets: strings.Split(target, ","), fake: fake, secret: []byte(secret), redeliver: redeliver,
		client: &http.Client{Transport: tr, Timeout: 30 * time.Second}}
}

// register tells the fake about the jobs of ds before their events are sent.
func (s *sender) register(ctx context.Context, ds []delivery) error {
	var jobs []Job
	for _, d := range ds {
		if d.Job != nil {
			jobs = append(jobs, *d.Job)
		}
	}
	for start := 0; start < len(jobs); start += 2000 {
		body, err := json.Marshal(jobs[start:min(start+2000, len(jobs))])
		if err != nil {
			return fmt.Errorf("encode jobs: %w", err)
		}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.fake+"/_admin/jobs", bytes.NewReader(body))
		if err != nil {
			return fmt.Errorf("register jobs: %w", err)
		}
		res, err := s.client.Do(req)
		if err != nil {
			return fmt.Errorf("register jobs with the fake at %s: %w", s.fake, err)
		}
		msg, _ := io.ReadAll(res.Body)
		res.Body.Close()
		if res.StatusCode != http.StatusNoContent {
			return fmt.Errorf("register jobs with the fake: %s: %s", res.Status, msg)
		}
	}
	return nil
}

// post sends one delivery and returns how long the acknowledgement took.
func (s *sender) post(ctx context.Context, d delivery) (time.Duration, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.targets[s.next.Add(1)%uint64(len(s.targets))], bytes.NewReader(d.Body))
	if err != nil {
		return 0, fmt.Errorf("delivery %s: %w", d.ID, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/loadgen")
	req.Header.Set("X-GitHub-Event", d.Event)
	req.Header.Set("X-GitHub-Delivery", d.ID)
	req.Header.Set("X-GitHub-Hook-ID", "1")
	req.Header.Set("X-Hub-Signature-256", app.SignWebhook(s.secret, d.Body))
	start := time.Now()
	res, err := s.client.Do(req)
	if err != nil {
		return time.Since(start), fmt.Errorf("delivery %s: %w", d.ID, err)
	}
	_, _ = io.Copy(io.Discard, res.Body)
	res.Body.Close()
	took := time.Since(start)
	if res.StatusCode/100 != 2 {
		return took, fmt.Errorf("delivery %s (%s): %s", d.ID, d.Event, res.Status)
	}
	return took, nil
}

// stage sends ds spread evenly over rate deliveries a second.
func (s *sender) stage(ctx context.Context, rate int, ds []delivery) stageResult {
	res := stageResult{Rate: rate, Sent: len(ds)}
	var (
		mu        sync.Mutex
		latencies = make([]time.Duration, 0, len(ds))
		wg        sync.WaitGroup
	)
	interval := time.Second / time.Duration(rate)
	start := time.Now()
	for i, d := range ds {
		due := start.Add(time.Duration(i) * interval)
		if wait := time.Until(due); wait > 0 {
			time.Sleep(wait) // pacing the open-loop sender, not synchronisation
		} else if lag := -wait; float64(lag.Milliseconds()) > res.MaxLagMs {
			res.MaxLagMs = float64(lag.Microseconds()) / 1000
		}
		wg.Add(1)
		go func(d delivery) {
			defer wg.Done()
			took, err := s.post(ctx, d)
			mu.Lock()
			latencies = append(latencies, took)
			if err != nil {
				res.Errors++
				if res.FirstError == "" {
					res.FirstError = err.Error()
				}
			}
			mu.Unlock()
			if err != nil && !s.redeliverUntilAcked(ctx, d) {
				mu.Lock()
				res.Lost++
				mu.Unlock()
			}
		}(d)
	}
	res.Seconds = time.Since(start).Seconds()
	wg.Wait()
	res.Achieved = float64(len(ds)) / res.Seconds
	slices.Sort(latencies)
	if n := len(latencies); n > 0 {
		ms := func(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
		res.P50ms, res.P99ms, res.MaxMs = ms(latencies[n*50/100]), ms(latencies[min(n-1, n*99/100)]), ms(latencies[n-1])
	}
	return res
}

// redeliverUntilAcked redelivers d (same delivery id, as GitHub's "Redeliver" does) until totto
// acknowledges it or s.redeliver has passed.
func (s *sender) redeliverUntilAcked(ctx context.Context, d delivery) bool {
	if s.redeliver <= 0 {
		return false
	}
	deadline := time.Now().Add(s.redeliver)
	for backoff := 100 * time.Millisecond; time.Now().Before(deadline); backoff = min(2*backoff, 2*time.Second) {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(backoff):
		}
		if _, err := s.post(ctx, d); err == nil {
			return true
		}
	}
	return false
}
