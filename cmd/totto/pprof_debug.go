//go:build pprofdebug

package main

import (
	"net/http"
	_ "net/http/pprof" // the profiles, on their own listener
	"os"
	"runtime"
)

// A build with -tags pprofdebug serves net/http/pprof on TOTTO_PPROF (a loopback address), with
// mutex and block profiling on, so the reliability suite's load can be profiled in process. Never
// part of a release build.
func init() {
	addr := os.Getenv("TOTTO_PPROF")
	if addr == "" {
		return
	}
	runtime.SetMutexProfileFraction(5)
	runtime.SetBlockProfileRate(100_000)
	go func() { _ = http.ListenAndServe(addr, nil) }()
}

// pprofWarning has nothing to say in this build: TOTTO_PPROF is read above.
func pprofWarning(func(string) string) string { return "" }
