package triage

import (
	"testing"

	"github.com/totto-ci/totto/logs/cause"
)

// TestExcerptConvertsFromCause keeps Excerpt's shape in step with logs/cause.Excerpt, so the caller
// converts with a plain type conversion instead of copying.
func TestExcerptConvertsFromCause(t *testing.T) {
	c := cause.Excerpt{Ranges: [][2]int{{4, 5}}, Lines: []string{"a", "b"}}
	e := Excerpt(c)
	if l, ok := e.line(5); !ok || l != "b" {
		t.Errorf("line 5 = %q, %v", l, ok)
	}
}
