package storetest

import (
	"testing"

	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
)

func testAddPatterns(t *testing.T, s store.Store) {
	c := ctx(t)
	set := []store.Pattern{pattern("apt", "Hash Sum mismatch", "flaky"), pattern("oom", "Killed", "infra")}
	ch := must(s.AddPatterns(c, set, "alice"))
	if len(ch) != 2 || ch[0].Action != store.PatternCreated || ch[1].Action != store.PatternCreated || ch[1].ID <= ch[0].ID {
		t.Fatalf("first load: %+v", ch)
	}
	aptID, oomID := ch[0].ID, ch[1].ID

	ch = must(s.AddPatterns(c, set, "alice"))
	if ch[0].Action != store.PatternUnchanged || ch[0].ID != aptID || ch[1].ID != oomID {
		t.Fatalf("reload: %+v", ch)
	}

	set[0].Tags = []string{"flaky", "infra"}
	set[0].Priority = 5
	set[1].Expr = "Killed process"
	ch = must(s.AddPatterns(c, set, "bob"))
	if ch[0].Action != store.PatternUpdated || ch[0].ID != aptID {
		t.Fatalf("metadata change: %+v, want updated in place", ch[0])
	}
	if ch[1].Action != store.PatternReplaced || ch[1].OldID != oomID || ch[1].ID <= oomID {
		t.Fatalf("expression change: %+v, want replaced by a newer id", ch[1])
	}
	apt := must(s.Pattern(c, aptID))
	if apt.Priority != 5 || len(apt.Tags) != 2 || !apt.Active() || apt.Author != "alice" {
		t.Fatalf("updated pattern: %+v", apt)
	}
	old := must(s.Pattern(c, oomID))
	if old.Active() || old.RetiredBy != "bob" || old.ReplacedBy == nil || *old.ReplacedBy != ch[1].ID || old.Expr != "Killed" {
		t.Fatalf("retired pattern: %+v", old)
	}
	active := must(s.Patterns(c, store.PatternFilter{}))
	if len(active) != 2 || active[0].ID != aptID || active[1].Expr != "Killed process" {
		t.Fatalf("active patterns: %+v", active)
	}
	if all := must(s.Patterns(c, store.PatternFilter{IncludeRetired: true})); len(all) != 3 {
		t.Fatalf("all patterns: %d, want 3", len(all))
	}
	// Scope changes find different matches: a new id too.
	set[0].Jobs = []string{"lint*"}
	ch = must(s.AddPatterns(c, set[:1], "bob"))
	if ch[0].Action != store.PatternReplaced {
		t.Fatalf("scope change: %+v", ch[0])
	}
	// Seeing the raw "##[error]" marker changes which lines match: a new id, and it is kept.
	set[0].RawMarker = true
	ch = must(s.AddPatterns(c, set[:1], "bob"))
	if ch[0].Action != store.PatternReplaced || !must(s.Pattern(c, ch[0].ID)).RawMarker || must(s.Pattern(c, ch[0].OldID)).RawMarker {
		t.Fatalf("raw marker change: %+v", ch[0])
	}
	trail := must(s.AuditTrail(c, "pattern:"+itoa(oomID), 0))
	if len(trail) != 2 || trail[0].Action != "pattern.retire" || trail[0].Actor != "bob" {
		t.Fatalf("audit trail of the retired pattern: %+v", trail)
	}
	if _, err := s.AddPatterns(c, []store.Pattern{{Pattern: patterns.Pattern{Name: "x", Kind: "glob", Expr: "y"}}}, "a"); err == nil {
		t.Fatal("invalid kind accepted")
	}
	// Same name from another source is another pattern.
	other := pattern("apt", "Hash Sum mismatch")
	other.Source = "builtin:debian"
	if ch := must(s.AddPatterns(c, []store.Pattern{other}, "a")); ch[0].Action != store.PatternCreated {
		t.Fatalf("other source: %+v", ch)
	}
}

func testRetirePattern(t *testing.T, s store.Store) {
	c := ctx(t)
	ch := must(s.AddPatterns(c, []store.Pattern{pattern("a", "A")}, "x"))
	if err := s.RetirePattern(c, ch[0].ID, "carol"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.RetirePattern(c, ch[0].ID, "carol"), store.ErrNotFound)
	if n := must(s.Stats(c)).Patterns; n != 0 {
		t.Fatalf("active patterns after retire = %d", n)
	}
	// Re-adding after a retire creates a new pattern.
	ch2 := must(s.AddPatterns(c, []store.Pattern{pattern("a", "A")}, "x"))
	if ch2[0].Action != store.PatternCreated || ch2[0].ID <= ch[0].ID {
		t.Fatalf("re-add: %+v", ch2)
	}
}
