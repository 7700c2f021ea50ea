package cause

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// The excerpt names its cause line: the line a one-line summary must quote, which is not the
// excerpt's first line when context comes before it.
func TestExcerptCauseIsTheFailureLine(t *testing.T) {
	log := strings.Join([]string{
		"Run actions/checkout@v4",
		"with:",
		"  repository: example/widgets",
		"",
		"Syncing repository: example/widgets",
		"Run go vet ./...",
		"# example.com/widgets/inventory",
		"inventory/reserve.go:41:2: fmt.Sprintf format %d has arg name of wrong type string",
		"",
		"Error: Process completed with exit code 1.",
	}, "\n") + "\n"
	f := NewFinder(Options{})
	r := logs.NewReader(strings.NewReader(log))
	for r.Next() {
		f.Add(r.Line())
	}
	ex := f.Excerpt()
	if ex.Cause != 8 {
		t.Fatalf("Cause = %d, want 8 (the vet diagnostic); excerpt %v %q", ex.Cause, ex.Ranges, ex.Lines)
	}
	if !ex.contains(ex.Cause) {
		t.Fatalf("Cause %d outside the excerpt %v", ex.Cause, ex.Ranges)
	}
	if got := (Excerpt{}).Cause; got != 0 {
		t.Fatalf("empty excerpt Cause = %d", got)
	}
}
