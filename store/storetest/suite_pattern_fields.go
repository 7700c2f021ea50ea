package storetest

import (
	"reflect"
	"testing"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

// testMultiLinePatterns: a multi-line pattern's second expression is stored and read back, and
// changing it (or its window) finds different matches, so the pattern gets a new id.
func testMultiLinePatterns(t *testing.T, s store.Store) {
	c := ctx(t)
	p := pattern("timeout", "FAIL:", "flaky")
	p.Then = &patterns.Then{Kind: patterns.Regex, Expr: `Caused by: .*Timeout`, Within: 5}
	id := must(s.AddPatterns(c, []store.Pattern{p}, "alice"))[0].ID
	got := must(s.Pattern(c, id))
	if !reflect.DeepEqual(got.Then, p.Then) {
		t.Fatalf("stored then = %+v, want %+v", got.Then, p.Then)
	}
	if ch := must(s.AddPatterns(c, []store.Pattern{p}, "alice")); ch[0].Action != store.PatternUnchanged {
		t.Fatalf("re-adding the same multi-line pattern: %+v, want unchanged", ch[0])
	}
	wider := p
	wider.Then = &patterns.Then{Kind: patterns.Regex, Expr: `Caused by: .*Timeout`, Within: 50}
	ch := must(s.AddPatterns(c, []store.Pattern{wider}, "alice"))
	if ch[0].Action != store.PatternReplaced || ch[0].OldID != id {
		t.Fatalf("a wider window: %+v, want replaced", ch[0])
	}
	single := p
	single.Then = nil
	ch = must(s.AddPatterns(c, []store.Pattern{single}, "alice"))
	if ch[0].Action != store.PatternReplaced || must(s.Pattern(c, ch[0].ID)).Then != nil {
		t.Fatalf("dropping then: %+v, want replaced by a single-line pattern", ch[0])
	}
}

// testRetireReason: the reason a user gives for retiring a pattern is kept with it and in its
// audit trail.
func testRetireReason(t *testing.T, s store.Store) {
	c := ctx(t)
	id := must(s.AddPatterns(c, []store.Pattern{pattern("noisy", "warning: deprecated")}, "alice"))[0].ID
	if err := s.RetirePatternWithReason(c, id, "alice", "fires on green jobs"); err != nil {
		t.Fatal(err)
	}
	p := must(s.Pattern(c, id))
	if p.Active() || p.RetiredBy != "alice" || p.RetireReason != "fires on green jobs" {
		t.Fatalf("retired pattern: %+v", p)
	}
	trail := must(s.AuditTrail(c, "pattern:"+itoa(id), 0))
	if len(trail) == 0 || trail[0].Action != "pattern.retire" || trail[0].Detail != "fires on green jobs" {
		t.Fatalf("audit trail: %+v", trail)
	}
	if err := s.RetirePatternWithReason(c, id, "bob", "again"); err == nil {
		t.Fatal("retiring a retired pattern succeeded")
	}
}
