//go:build race

package patterns

// referenceLimit bounds the bytes of each corpus log compared with the reference under the race
// detector, which slows the every-pattern-on-every-line reference about tenfold.
const referenceLimit = 64 << 10
