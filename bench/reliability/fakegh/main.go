// Command fakegh is the GitHub (and CircleCI) the reliability suite points `totto serve` at: the
// test fakes from internal/fakegithub and internal/fakecircleci, run as a process on loopback,
// behind a front door that injects the faults GitHub really shows (5xx before or after doing the
// work, primary and secondary rate limits, stalls). The suite registers jobs and reads back the
// check runs, comments and request counts through /_admin.
//
//	fakegh -listen 127.0.0.1:9100 -key app.pem [-seed 1 -fail-rate 0.3 -ratelimit-rate 0.05 -stall-rate 0.01 -stall 10s]
package main

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/internal/fakecircleci"
	"github.com/totto-ci/totto/internal/fakegithub"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "fakegh:", err)
		os.Exit(1)
	}
}

func run() error {
	listen := flag.String("listen", "127.0.0.1:9100", "listen `ADDR`")
	keyPath := flag.String("key", "", "write a fresh GitHub App private key (PEM) to `FILE` for totto to sign its JWTs with")
	logPath := flag.String("log", "", "the failed GitHub Actions job `LOG` every registered job serves (a unique trailer line is added per job)")
	circleBuild := flag.String("circle-build", "", "a real CircleCI v1.1 build `JSON` served for every registered CircleCI build")
	circleOutput := flag.String("circle-output", "", "the real step output `JSON` served for the build's failed actions")
	var f faults
	flag.Int64Var(&f.Seed, "seed", 1, "seed of the fault dice")
	flag.Float64Var(&f.FailRate, "fail-rate", 0, "share of API requests answered 502/503 (half of them after the work was done)")
	flag.Float64Var(&f.RateLimitRate, "ratelimit-rate", 0, "share of API requests answered with a primary (403) or secondary (429/403 + Retry-After) rate limit")
	flag.Float64Var(&f.StallRate, "stall-rate", 0, "share of API requests stalled before being answered")
	flag.DurationVar(&f.Stall, "stall", 0, "how long a stalled request waits")
	flag.Parse()

	logger := zerolog.New(os.Stderr).With().Timestamp().Str("service", "fakegh").Logger()
	tb := &processTB{logger: logger}
	defer tb.cleanup()
	gh := fakegithub.New(tb)
	gh.App() // comments and reactions, repository contents, pulls
	circle := fakecircleci.New(tb)

	if *keyPath != "" {
		if err := writeKey(*keyPath); err != nil {
			return err
		}
	}
	w, err := newWorld(gh, circle, tb, *logPath, *circleBuild, *circleOutput)
	if err != nil {
		return err
	}
	front, err := newFront(gh.URL, circle.URL, f, logger)
	if err != nil {
		return err
	}
	mux := http.NewServeMux()
	w.routes(mux, front)
	mux.Handle("/", front)

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", *listen, err)
	}
	srv := &http.Server{Handler: mux}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	go func() {
		<-ctx.Done()
		srv.Close()
	}()
	logger.Info().Str("listen", ln.Addr().String()).Interface("faults", f).Msg("fake GitHub serving")
	if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	return nil
}

// writeKey writes a new RSA key for the App's JWTs; the fake does not check the signature, totto
// only needs a well-formed key to start.
func writeKey(path string) error {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		return fmt.Errorf("generate App key: %w", err)
	}
	pemBytes := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)})
	if err := os.WriteFile(path, pemBytes, 0o600); err != nil {
		return fmt.Errorf("write App key %s: %w", path, err)
	}
	return nil
}
