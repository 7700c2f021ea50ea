package pipeline

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/totto-ci/totto/triage"
)

// knownKeys lists the top-level keys of .github/totto.yml, for problems about unknown keys.
const knownKeys = "patterns, never_flaky, ignore, builtin, builtin_off, demotion, known_broken_expiry_passes, suggestions, tests"

// maxSuggestionWindow bounds suggestions.window: older failures say little about what breaks now,
// and the search is bounded by jobs anyway.
const maxSuggestionWindow = 90 * 24 * time.Hour

// SuggestionConfig says when a check run offers a pattern for a recurring unexplained failure.
// A repository tunes it because "recurring" depends on how much CI it runs.
type SuggestionConfig struct {
	// MinJobs is how many jobs must have failed with the same unexplained line (the job itself
	// included) before a pattern is suggested (`min_jobs`, default 3).
	MinJobs int
	// Window is how far back those jobs are looked for (`window`, default 7d).
	Window time.Duration
}

func defaultSuggestions() SuggestionConfig {
	return SuggestionConfig{MinJobs: triage.DefaultSuggestMinJobs, Window: 7 * 24 * time.Hour}
}

// WindowText is the period as the check run says it ("this week").
func (s SuggestionConfig) WindowText() string {
	d := s.Window
	switch {
	case d == 7*24*time.Hour:
		return "this week"
	case d == 24*time.Hour:
		return "today"
	case d%(24*time.Hour) == 0:
		return fmt.Sprintf("in the last %d days", d/(24*time.Hour))
	case d%time.Hour == 0:
		return fmt.Sprintf("in the last %d hours", d/time.Hour)
	default:
		return "in the last " + d.String()
	}
}

// problemFunc records a problem of the file at a node's line.
type problemFunc func(n *yaml.Node, format string, args ...any)

// fields walks a mapping's keys, reporting a non-mapping and unknown keys.
func fields(v *yaml.Node, key string, known []string, bad problemFunc, each func(k, v *yaml.Node)) {
	if v.Kind != yaml.MappingNode {
		bad(v, "%s must be a mapping with keys %s", key, strings.Join(known, ", "))
		return
	}
	for i := 0; i+1 < len(v.Content); i += 2 {
		k := v.Content[i]
		if !contains(known, k.Value) {
			bad(k, "unknown key %q under %s (known: %s)", k.Value, key, strings.Join(known, ", "))
			continue
		}
		each(k, v.Content[i+1])
	}
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if x == y {
			return true
		}
	}
	return false
}

// parseDemotion reads `demotion: {min_hits, max_success_share, min_confirmed, max_not_flaky_share}`.
func parseDemotion(v *yaml.Node, d *triage.Demotion, bad problemFunc) {
	known := []string{"min_hits", "max_success_share", "min_confirmed", "max_not_flaky_share"}
	fields(v, "demotion", known, bad, func(k, v *yaml.Node) {
		name := "demotion." + k.Value
		switch k.Value {
		case "min_hits":
			d.MinHits = positiveInt(v, name, 0, bad)
		case "max_success_share":
			d.MaxOnSuccessShare = share(v, name, bad)
		case "min_confirmed":
			d.MinNotFlaky = positiveInt(v, name, 0, bad)
		case "max_not_flaky_share":
			d.MaxNotFlakyShare = share(v, name, bad)
		}
	})
}

// parseSuggestions reads `suggestions: {min_jobs, window}`.
func parseSuggestions(v *yaml.Node, s *SuggestionConfig, bad problemFunc) {
	fields(v, "suggestions", []string{"min_jobs", "window"}, bad, func(k, v *yaml.Node) {
		switch k.Value {
		case "min_jobs":
			s.MinJobs = positiveInt(v, "suggestions.min_jobs", triage.DefaultSuggestMinJobs, bad)
		case "window":
			if d, ok := window(v, "suggestions.window", bad); ok {
				s.Window = d
			}
		}
	})
}

// positiveInt decodes a whole number >= 1, reporting anything else and returning def.
// window reads a period like 7d, 2w or 36h (at most 90d), reporting anything else.
func window(v *yaml.Node, name string, bad problemFunc) (time.Duration, bool) {
	d, err := parseWindow(v.Value)
	if v.Kind != yaml.ScalarNode || err != nil {
		bad(v, "%s must be a period like 7d, 2w or 36h (at most 90d), got %q", name, v.Value)
		return 0, false
	}
	return d, true
}

func positiveInt(v *yaml.Node, name string, def int, bad problemFunc) int {
	var n int
	if v.Kind != yaml.ScalarNode || v.Tag != "!!int" || v.Decode(&n) != nil || n < 1 {
		bad(v, "%s must be a whole number of at least 1, got %q", name, v.Value)
		return def
	}
	return n
}

// share decodes a fraction in (0, 1], reporting anything else and returning 0 (the default).
func share(v *yaml.Node, name string, bad problemFunc) float64 {
	var f float64
	if v.Kind != yaml.ScalarNode || v.Decode(&f) != nil || !(f > 0 && f <= 1) {
		bad(v, "%s must be a fraction above 0 and at most 1 (0.1 is 10 %%), got %q", name, v.Value)
		return 0
	}
	return f
}

// parseWindow reads a period: a number of days ("7d") or weeks ("2w"), or a Go duration ("36h"),
// positive and at most maxSuggestionWindow.
func parseWindow(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days > 90 {
			return 0, fmt.Errorf("period %q: want a number of days up to 90", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else if n, ok := strings.CutSuffix(s, "w"); ok {
		weeks, err := strconv.Atoi(n)
		if err != nil || weeks > 12 {
			return 0, fmt.Errorf("period %q: want a number of weeks up to 12", s)
		}
		d = time.Duration(weeks) * 7 * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("period %q: %w", s, err)
		}
	}
	if d <= 0 || d > maxSuggestionWindow {
		return 0, fmt.Errorf("period %q: want above 0 and at most 90d", s)
	}
	return d, nil
}
