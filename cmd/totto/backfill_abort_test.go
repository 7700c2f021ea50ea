package main

import (
	"context"
	"os"
	"testing"
	"time"
)

// The first interrupt lets downloads in flight finish; the second aborts them.
func TestAbortOnSecondInterrupt(t *testing.T) {
	sigs := make(chan os.Signal) // unbuffered: a send returns once the watcher has the signal
	abort, stop := abortOnSecond(context.Background(), sigs)
	defer stop()
	sigs <- os.Interrupt
	if abort.Err() != nil {
		t.Fatal("the first interrupt aborted downloads in flight")
	}
	select {
	case sigs <- os.Interrupt: // the watcher is still listening after the first
	case <-time.After(10 * time.Second):
		t.Fatal("the watcher stopped listening after the first interrupt")
	}
	select {
	case <-abort.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the second interrupt did not abort")
	}

	sigs2 := make(chan os.Signal)
	abort2, stop2 := abortOnSecond(context.Background(), sigs2)
	sigs2 <- os.Interrupt
	stop2() // ends the watcher, and with it the abort context
	if abort2.Err() == nil {
		t.Fatal("stop left the abort context open")
	}
}
