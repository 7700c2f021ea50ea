package main

import (
	"fmt"
	"os"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
)

// passingHistory reads a passing log of the job into the fingerprint the likely cause is judged
// against; nil when no passing log was given.
func passingHistory(path string) (*cause.Fingerprint, error) {
	if path == "" {
		return nil, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("opening passing log: %w", err)
	}
	defer f.Close()
	plain, err := logs.Decompress(f)
	if err != nil {
		return nil, fmt.Errorf("reading passing log %s: %w", path, err)
	}
	b := cause.NewFingerprintBuilder()
	lr := logs.NewReader(plain)
	for lr.Next() {
		b.Add(lr.Line())
	}
	if err := lr.Err(); err != nil {
		return nil, fmt.Errorf("reading passing log %s: %w", path, err)
	}
	return b.Fingerprint(), nil
}
