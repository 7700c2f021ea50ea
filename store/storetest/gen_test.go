package storetest

import (
	"crypto/sha256"
	"fmt"
	"testing"
)

var smallGen = GenConfig{Seed: 7, Repos: 4, Patterns: 30, Jobs: 3000, Matches: 30_000, Days: 30}

// digest hashes every generated row, table by table.
func digest(g *Generated) map[string]string {
	out := map[string]string{}
	for _, t := range g.Tables {
		h := sha256.New()
		for row := range t.Rows {
			fmt.Fprintf(h, "%v\n", row)
		}
		out[t.Name] = fmt.Sprintf("%x", h.Sum(nil))
	}
	return out
}

func TestGenerateIsDeterministic(t *testing.T) {
	a, b := digest(Generate(smallGen)), digest(Generate(smallGen))
	if fmt.Sprint(a) != fmt.Sprint(b) {
		t.Fatalf("two runs of one config differ:\n%v\n%v", a, b)
	}
	other := smallGen
	other.Seed++
	if c := digest(Generate(other)); c["matches"] == a["matches"] {
		t.Fatal("another seed generated the same matches")
	}
}

func TestGenerateShape(t *testing.T) {
	g := Generate(smallGen)
	rows := map[string][][]any{}
	for _, tbl := range g.Tables {
		for row := range tbl.Rows {
			rows[tbl.Name] = append(rows[tbl.Name], row)
		}
	}
	if n := len(rows["jobs"]); n != smallGen.Jobs {
		t.Errorf("%d jobs, want %d", n, smallGen.Jobs)
	}
	if n := len(rows["matches"]); n < smallGen.Matches*8/10 || n > smallGen.Matches*12/10 {
		t.Errorf("%d matches, want about %d", n, smallGen.Matches)
	}
	logs := map[int64]bool{}
	for _, l := range rows["logs"] {
		logs[l[0].(int64)] = true
	}
	failed, withLog := 0, 0
	for _, j := range rows["jobs"] {
		if j[9] == "failure" {
			failed++
		}
		if id, ok := j[13].(int64); ok {
			withLog++
			if !logs[id] {
				t.Fatalf("job %v names log %d, which was not generated", j[0], id)
			}
		}
	}
	reruns := 0
	for _, j := range rows["jobs"] {
		if j[3] == int64(2) {
			reruns++
		}
	}
	if reruns < failed/40 || reruns > failed/10 {
		t.Errorf("%d reruns of %d failures, want about one in twenty", reruns, failed)
	}
	if failed < smallGen.Jobs/5 || failed > smallGen.Jobs*3/10 {
		t.Errorf("%d of %d jobs failed, want about a quarter", failed, smallGen.Jobs)
	}
	// Matches are unique per (log, pattern, line) as the schema demands, and skewed: the most
	// matched pattern has far more than an even share.
	seen := map[[3]int64]bool{}
	perPattern := map[int64]int{}
	for _, m := range rows["matches"] {
		key := [3]int64{m[2].(int64), m[1].(int64), m[3].(int64)}
		if seen[key] {
			t.Fatalf("duplicate match %v", key)
		}
		seen[key] = true
		perPattern[m[1].(int64)]++
	}
	if top := perPattern[g.Probes.TopPatternID]; top < 5*len(rows["matches"])/smallGen.Patterns {
		t.Errorf("top pattern has %d of %d matches: no skew", top, len(rows["matches"]))
	}
	if g.Probes.SHA == "" || len(rows["annotations"]) == 0 {
		t.Errorf("probes %+v, %d annotations", g.Probes, len(rows["annotations"]))
	}
}

// Every failed job has a kept verdict, most matched failures are explained, and the cause lines
// fall into far fewer shapes than there are logs (what /unexplained groups).
func TestGenerateVerdictsAndCauseLines(t *testing.T) {
	g := Generate(smallGen)
	rows := map[string][][]any{}
	for _, tbl := range g.Tables {
		for row := range tbl.Rows {
			rows[tbl.Name] = append(rows[tbl.Name], row)
		}
	}
	failed := 0
	for _, j := range rows["jobs"] {
		if j[9] == "failure" {
			failed++
		}
	}
	explained := 0
	for _, v := range rows["job_verdicts"] {
		if v[4].(bool) {
			explained++
		}
	}
	if n := len(rows["job_verdicts"]); n != failed {
		t.Errorf("%d verdicts for %d failed jobs", n, failed)
	}
	if explained < failed*4/10 || explained > failed*7/10 {
		t.Errorf("%d of %d failures explained, want about half", explained, failed)
	}
	if n := len(rows["log_cause_lines"]); n < failed*9/10 || n > failed {
		t.Errorf("%d cause lines for %d failed jobs", n, failed)
	}
}

// Every cached cause line has a shape key, far fewer keys than logs; the probes name a failed job
// with recorded failing tests and the most common shape.
func TestGenerateShapesAndTests(t *testing.T) {
	g := Generate(smallGen)
	rows := map[string][][]any{}
	for _, tbl := range g.Tables {
		for row := range tbl.Rows {
			rows[tbl.Name] = append(rows[tbl.Name], row)
		}
	}
	lines, shapes := rows["log_cause_lines"], rows["log_cause_shapes"]
	if len(lines) != len(shapes) {
		t.Fatalf("%d cause lines, %d shape keys", len(lines), len(shapes))
	}
	keys := map[any]int{}
	for i, s := range shapes {
		if s[0] != lines[i][0] {
			t.Fatalf("row %d: shape of log %v, line of log %v", i, s[0], lines[i][0])
		}
		keys[s[1]]++
	}
	if len(keys) > len(shapes)/3 || keys[g.Probes.ShapeKey] < len(shapes)/20 {
		t.Errorf("%d shape keys over %d logs, %d of the probe's", len(keys), len(shapes), keys[g.Probes.ShapeKey])
	}
	probeTests := 0
	for _, r := range rows["job_tests"] {
		if r[0] == g.Probes.FailedJobID {
			probeTests++
		}
	}
	if probeTests == 0 || len(rows["job_tests"]) < len(shapes)/10 {
		t.Errorf("%d failing tests, %d of probe job %d", len(rows["job_tests"]), probeTests, g.Probes.FailedJobID)
	}
}
