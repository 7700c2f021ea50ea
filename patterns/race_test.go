//go:build race

package patterns

// raceEnabled is set when tests run under the race detector, which slows the reference scan of
// the corpus about tenfold; that single-goroutine comparison gains nothing from it.
const raceEnabled = true
