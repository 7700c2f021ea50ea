package triage

import (
	"fmt"

	"github.com/totto-ci/totto/patterns"
)

// flakyPatternVetoed says why a flaky-tagged best match must not make the job flaky, if it must
// not: the job is never flaky, the matched line is generic, or the pattern is demoted.
func flakyPatternVetoed(in Input, ev *Evidence, never bool, neverGlob string) (string, bool) {
	switch {
	case never:
		return fmt.Sprintf("pattern is tagged flaky, but jobs matching %q are never flaky", neverGlob), true
	case ev.Best != nil && patterns.IsGenericMatch(*ev.Best):
		ev.Generic = true
		return fmt.Sprintf("pattern %s is tagged flaky, but it matched only a generic line (an exit status or a bare error word), which never makes a job flaky", ev.Pattern.Name), true
	case ev.Precision != nil:
		if why, demoted := in.Config.Demotion.Demoted(*ev.Precision); demoted {
			ev.Demoted = why
			return fmt.Sprintf("pattern %s demoted: %s", ev.Pattern.Name, why), true
		}
	}
	return "", false
}
