package storetest

import (
	"fmt"
	"iter"
	"math/rand/v2"
	"strings"
)

// genCause is a failed log's likely cause: its line's text and number, and which of the few
// hundred generated shapes it has (the text with its numbers masked).
type genCause struct {
	logID int64
	line  int
	text  string
	shape int
}

// genCauses yields the likely cause of every failed log once, Zipf-skewed over the shapes. It
// draws from its own generator, so the cause lines and their shape keys, two tables, agree.
func genCauses(c GenConfig, jobs []genJob) iter.Seq[genCause] {
	return func(yield func(genCause) bool) {
		cr := rand.New(rand.NewPCG(c.Seed+13, c.Seed+17))
		cz := rand.NewZipf(cr, 1.2, 1, uint64(len(genWords)*len(genWords)-1))
		done := map[int64]bool{}
		for _, j := range jobs {
			if j.concl != "failure" || j.logID == 0 || done[j.logID] {
				continue
			}
			done[j.logID] = true
			k := int(cz.Uint64())
			text := fmt.Sprintf("error: %s %s failed at /src/pkg%d/file.go:%d (took %dms)",
				genWords[k%len(genWords)], genWords[k/len(genWords)], cr.IntN(50), cr.IntN(900), cr.IntN(5000))
			if !yield(genCause{logID: j.logID, line: 1 + cr.IntN(2000), text: text, shape: k}) {
				return
			}
		}
	}
}

// genShapeKey names a generated shape as triage.ShapeKey names a real one: 32 hex digits.
func genShapeKey(shape int) string {
	return fmt.Sprintf("%032x", uint64(shape+1)*0x9e3779b97f4a7c15)
}

// genRunsTests reports whether a generated job name runs tests whose failures are recorded.
func genRunsTests(name string) bool { return strings.HasPrefix(name, "test (") }

// genJobTests yields the failing tests of every failed test job with a log: one to three from a
// few thousand names, Zipf-skewed so a few tests fail often (the flaky ones the tests page
// ranks first), one in ten passing on a retry within the same log.
func genJobTests(c GenConfig, jobs []genJob, yield func([]any) bool) {
	tr := rand.New(rand.NewPCG(c.Seed+29, c.Seed+31))
	tz := rand.NewZipf(tr, 1.1, 4, 2999)
	picked := map[uint64]bool{}
	for _, j := range jobs {
		if j.concl != "failure" || j.logID == 0 || !genRunsTests(j.name) {
			continue
		}
		clear(picked)
		pr := int64(0) // a feature branch is one pull request
		if n, err := fmt.Sscanf(j.branch, "feature-%d", &pr); n == 1 && err == nil {
			pr += 1000
		}
		for range 1 + min(tr.IntN(3), tr.IntN(3)) {
			t := tz.Uint64()
			if picked[t] {
				continue
			}
			picked[t] = true
			w1, w2 := genWords[t%uint64(len(genWords))], genWords[(t/uint64(len(genWords)))%uint64(len(genWords))]
			name := fmt.Sprintf("Test%s%s%d", strings.ToUpper(w1[:1])+w1[1:], strings.ToUpper(w2[:1])+w2[1:], t)
			line := int64(1 + tr.IntN(2000))
			if !yield([]any{j.id, j.repo, "go", fmt.Sprintf("pkg%d/%s_test.go", t%50, w1), name, line,
				"--- FAIL: " + name, tr.IntN(10) == 0, j.sha, j.name, pr, j.branch == "main", j.at.Unix()}) {
				return
			}
		}
	}
}
