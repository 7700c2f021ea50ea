//go:build unix

package cause

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used so far. Benchmarks report throughput per
// CPU second besides per wall second, because the machines that run them are often shared.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}
