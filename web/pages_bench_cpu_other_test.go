//go:build !unix

package web

import "time"

// processCPU is not measured here: the page benchmark reports 0 CPU milliseconds.
func processCPU() time.Duration { return 0 }
