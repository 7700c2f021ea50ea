package pipeline

import (
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/triage"
)

func TestParseConfigSafeguards(t *testing.T) {
	week := 7 * 24 * time.Hour
	cases := []struct {
		name, yaml  string
		problem     string // substring of the error; "" for none
		demotion    triage.Demotion
		passes      int
		suggestions SuggestionConfig
		window      string // WindowText
	}{
		{name: "defaults", yaml: "", passes: 3, suggestions: SuggestionConfig{MinJobs: 3, Window: week}, window: "this week"},
		{name: "all keys", yaml: "demotion:\n  min_hits: 8\n  max_success_share: 0.2\n  min_confirmed: 2\n  max_not_flaky_share: 0.5\nknown_broken_expiry_passes: 5\nsuggestions:\n  min_jobs: 4\n  window: 2d\n",
			demotion: triage.Demotion{MinHits: 8, MaxOnSuccessShare: 0.2, MinNotFlaky: 2, MaxNotFlakyShare: 0.5}, passes: 5,
			suggestions: SuggestionConfig{MinJobs: 4, Window: 48 * time.Hour}, window: "in the last 2 days"},
		{name: "partial demotion", yaml: "demotion:\n  min_confirmed: 1\n", demotion: triage.Demotion{MinNotFlaky: 1}, passes: 3,
			suggestions: SuggestionConfig{MinJobs: 3, Window: week}, window: "this week"},
		{name: "window in hours", yaml: "suggestions:\n  window: 36h\n", passes: 3,
			suggestions: SuggestionConfig{MinJobs: 3, Window: 36 * time.Hour}, window: "in the last 36 hours"},
		{name: "window in weeks", yaml: "suggestions:\n  window: 2w\n", passes: 3,
			suggestions: SuggestionConfig{MinJobs: 3, Window: 2 * week}, window: "in the last 14 days"},
		{name: "share above 1", yaml: "demotion:\n  max_success_share: 10\n", problem: "totto.yml:2: demotion.max_success_share must be a fraction"},
		{name: "share zero", yaml: "demotion:\n  max_not_flaky_share: 0\n", problem: "totto.yml:2: demotion.max_not_flaky_share must be a fraction"},
		{name: "min hits not a number", yaml: "demotion:\n  min_hits: many\n", problem: "totto.yml:2: demotion.min_hits must be a whole number"},
		{name: "unknown demotion key", yaml: "demotion:\n  min_hit: 3\n", problem: "totto.yml:2: unknown key \"min_hit\" under demotion"},
		{name: "demotion not a mapping", yaml: "demotion: strict\n", problem: "totto.yml:1: demotion must be a mapping"},
		{name: "passes zero", yaml: "known_broken_expiry_passes: 0\n", problem: "totto.yml:1: known_broken_expiry_passes must be a whole number of at least 1"},
		{name: "passes fraction", yaml: "known_broken_expiry_passes: 2.5\n", problem: "totto.yml:1: known_broken_expiry_passes must be a whole number"},
		{name: "window unit", yaml: "suggestions:\n  window: 7 days\n", problem: "totto.yml:2: suggestions.window must be a period"},
		{name: "window too long", yaml: "suggestions:\n  window: 365d\n", problem: "totto.yml:2: suggestions.window must be a period"},
		{name: "window huge", yaml: "suggestions:\n  window: 99999999999999999d\n", problem: "totto.yml:2: suggestions.window"},
		{name: "window negative", yaml: "suggestions:\n  window: -1h\n", problem: "totto.yml:2: suggestions.window"},
		{name: "min jobs zero", yaml: "suggestions:\n  min_jobs: 0\n", problem: "totto.yml:2: suggestions.min_jobs must be a whole number"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			cfg, err := ParseConfig(".github/totto.yml", []byte(c.yaml))
			if c.problem != "" {
				if err == nil || !strings.Contains(err.Error(), c.problem) {
					t.Fatalf("error %v, want one containing %q", err, c.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Demotion != c.demotion || cfg.triageConfig().Demotion != c.demotion {
				t.Errorf("demotion %+v, want %+v", cfg.Demotion, c.demotion)
			}
			if cfg.KnownBrokenPasses != c.passes {
				t.Errorf("known_broken_expiry_passes %d, want %d", cfg.KnownBrokenPasses, c.passes)
			}
			if cfg.Suggestions != c.suggestions || cfg.Suggestions.WindowText() != c.window {
				t.Errorf("suggestions %+v (%q), want %+v (%q)", cfg.Suggestions, cfg.Suggestions.WindowText(), c.suggestions, c.window)
			}
		})
	}
}
