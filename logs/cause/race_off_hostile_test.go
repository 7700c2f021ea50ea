//go:build !race

package cause_test

// raceEnabled shrinks the huge-log test under the race detector, which slows scanning ~10×.
const raceEnabled = false
