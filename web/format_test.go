package web

import (
	"strings"
	"testing"
)

// Every page formats percentages through percent: whole numbers, and never rounded up to "all"
// or down to "none".
func TestPercent(t *testing.T) {
	for _, c := range []struct {
		n, d int64
		want string
	}{
		{0, 0, "—"},
		{0, 7, "0\u00a0%"},
		{1, 3, "33\u00a0%"},
		{2, 3, "67\u00a0%"},
		{1, 1000, "<1\u00a0%"},
		{999, 1000, ">99\u00a0%"},
		{3, 3, "100\u00a0%"},
	} {
		if got := pct(c.n, c.d); got != c.want {
			t.Errorf("pct(%d, %d) = %q, want %q", c.n, c.d, got, c.want)
		}
	}
}

// An all-zero chart labels its axis 0, not the 1 it scales by; a percentage chart's values read
// as percentages.
func TestBarsAxis(t *testing.T) {
	zero := string(barsSVG([]point{{"w1", 0}, {"w2", 0}}, "jobs"))
	if !strings.Contains(zero, `class="axis-max">0<`) {
		t.Errorf("all-zero chart's axis: %s", zero)
	}
	if strings.Contains(zero, `class="axis-max">1<`) {
		t.Errorf("all-zero chart labelled 1: %s", zero)
	}
	share := string(barsSVG([]point{{"w1", 33.3}, {"w2", 50}}, "% of commits"))
	if !strings.Contains(share, "w1: 33\u00a0% of commits") || !strings.Contains(share, `class="axis-max">50`+"\u00a0%<") {
		t.Errorf("percentage chart: %s", share)
	}
	if !strings.Contains(share, `aria-label="% of commits"`) {
		t.Errorf("percentage chart's label: %s", share)
	}
}
