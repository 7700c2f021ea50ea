package triage

import "testing"

// The same failure with other numbers, paths and durations has one shape key; another failure,
// or no line, does not share it.
func TestShapeKey(t *testing.T) {
	a := ShapeKey("dial tcp 10.0.0.1:5432: connect: connection refused after 3.2s")
	b := ShapeKey("  dial tcp 10.1.7.9:6543: connect: connection refused after 120ms")
	other := ShapeKey("dial tcp 10.0.0.1:5432: i/o timeout")
	if a == "" || a != b {
		t.Errorf("one failure, two shape keys: %q, %q", a, b)
	}
	if a == other {
		t.Errorf("two failures share shape key %q", a)
	}
	if s := ShapeKey(" \t"); s != "" {
		t.Errorf("blank line has shape key %q", s)
	}
	if len(a) != 32 {
		t.Errorf("shape key %q: want 32 hex digits", a)
	}
}
