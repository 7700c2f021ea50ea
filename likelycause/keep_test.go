package likelycause_test

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/likelycause"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// Keep records the cause line with its number and shape key, where suggestions, the job page and
// failure histories read them.
func TestKeep(t *testing.T) {
	for _, b := range backends {
		t.Run(b.name, func(t *testing.T) {
			ctx := t.Context()
			st := b.open(t)
			l, err := st.PutLog(ctx, store.Log{SHA256: strings.Repeat("ab", 32), RawSize: 1, Lines: 30, StorageKey: "k"})
			if err != nil {
				t.Fatal(err)
			}
			e := triage.Excerpt{Ranges: [][2]int{{20, 22}}, Lines: []string{"running", failingLine, "exit 1"}, Cause: 21}
			if err := likelycause.Keep(ctx, st, l.ID, e); err != nil {
				t.Fatal(err)
			}
			lines, err := st.CauseLines(ctx, []int64{l.ID})
			if err != nil || lines[l.ID] != failingLine {
				t.Errorf("cause line kept: %q, %v", lines[l.ID], err)
			}
			num, key, ok, err := st.CauseShape(ctx, l.ID)
			if err != nil || !ok || num != 21 || key != triage.ShapeKey(failingLine) {
				t.Errorf("cause shape kept: line %d, key %q, %t, %v; want 21, %q", num, key, ok, err, triage.ShapeKey(failingLine))
			}
		})
	}
}
