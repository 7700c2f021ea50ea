package patterns

import (
	"bytes"
	"sort"
	"testing"

	"github.com/totto-ci/totto/logs"
)

func TestZZDebugWarnings(t *testing.T) {
	for _, set := range []string{"P1", "P3"} {
		ps := benchPatternSet(t, set)
		m, _ := Compile(ps)
		t.Logf("%s: %d always, states %d classes %d", set, len(m.always), len(m.ac.tbl)/int(m.ac.nc), m.ac.nc)
		counts := make([]int, len(ps))
		for _, f := range corpusLogs(t, "treeherder")[:6] {
			d := gunzipFile(t, f)
			r := logs.NewReader(bytes.NewReader(d))
			for r.Next() {
				var scratch [acWays - 1][]acHit
				hits := m.ac.scan(r.Line().Text, nil, &scratch)
				seen := map[int32]bool{}
				for _, h := range hits {
					for _, li := range m.ac.outputs(h.state) {
						for _, p := range m.lits[li].pats {
							if !seen[p] {
								seen[p] = true
								counts[p]++
							}
						}
					}
				}
			}
		}
		idx := make([]int, len(ps))
		for i := range idx {
			idx[i] = i
		}
		sort.Slice(idx, func(a, b int) bool { return counts[idx[a]] > counts[idx[b]] })
		for _, i := range idx[:12] {
			t.Logf("  %d cands: %s %q req=%v", counts[i], ps[i].Name, ps[i].Expr, m.pats[i].required)
		}
	}
}
