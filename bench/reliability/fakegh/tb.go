package main

import (
	"fmt"
	"os"
	"sync"
	"testing"

	"github.com/rs/zerolog"
)

// processTB lets the test fakes, which report through testing.TB, run in a plain process: a
// fatal report ends the process, an error is logged and counted, cleanups run on exit. Only the
// methods the fakes call are provided; the embedded interface is nil.
type processTB struct {
	testing.TB
	logger zerolog.Logger

	mu       sync.Mutex
	cleanups []func()
	errors   int
}

func (*processTB) Helper() {}

func (t *processTB) Cleanup(f func()) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cleanups = append(t.cleanups, f)
}

func (t *processTB) Errorf(format string, args ...any) {
	t.mu.Lock()
	t.errors++
	t.mu.Unlock()
	t.logger.Error().Msg(fmt.Sprintf(format, args...))
}

func (t *processTB) Fatalf(format string, args ...any) {
	t.logger.Error().Msg(fmt.Sprintf(format, args...))
	os.Exit(1)
}

func (t *processTB) Fatal(args ...any) { t.Fatalf("%s", fmt.Sprint(args...)) }

func (t *processTB) Skip(args ...any) { t.Fatalf("cannot run: %s", fmt.Sprint(args...)) }

func (t *processTB) Skipf(format string, args ...any) { t.Fatalf("cannot run: "+format, args...) }

// cleanup runs the registered cleanups, newest first, as the testing package does.
func (t *processTB) cleanup() {
	t.mu.Lock()
	fs := t.cleanups
	t.cleanups = nil
	t.mu.Unlock()
	for i := len(fs) - 1; i >= 0; i-- {
		fs[i]()
	}
}
