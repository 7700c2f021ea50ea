package pipeline

import (
	"go.yaml.in/yaml/v3"
)

// maxRerunAttempts bounds rerun.max_attempts: past a few attempts a failure is not flaky, and
// every attempt costs CI time.
const maxRerunAttempts = 5

// RerunConfig says when totto re-runs a flaky job by itself (`rerun:` in .github/totto.yml).
type RerunConfig struct {
	// Flaky turns automatic re-runs on (`flaky`, default false).
	Flaky bool
	// MaxAttempts is the most attempts a job may have in all, the first run included
	// (`max_attempts`, default 2, at most 5).
	MaxAttempts int
	// Branches are the branch globs whose commits are re-run (`branches`, default all).
	Branches []string
}

func defaultRerunConfig() RerunConfig { return RerunConfig{MaxAttempts: 2} }

// parseRerun reads `rerun: {flaky, max_attempts, branches}`.
func parseRerun(v *yaml.Node, c *RerunConfig, bad problemFunc) {
	fields(v, "rerun", []string{"flaky", "max_attempts", "branches"}, bad, func(k, v *yaml.Node) {
		switch k.Value {
		case "flaky":
			if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&c.Flaky) != nil {
				bad(v, "rerun.flaky must be true or false, got %q", v.Value)
			}
		case "max_attempts":
			n := positiveInt(v, "rerun.max_attempts", 2, bad)
			if n > maxRerunAttempts {
				bad(v, "rerun.max_attempts must be at most %d, got %d", maxRerunAttempts, n)
				n = 2
			}
			c.MaxAttempts = n
		case "branches":
			if err := v.Decode(&c.Branches); err != nil || v.Kind != yaml.SequenceNode {
				bad(v, "rerun.branches must be a list of branch globs")
				c.Branches = nil
			}
		}
	})
}
