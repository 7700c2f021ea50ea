package storetest

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/store"
)

// MigrationFixture is how a backend takes part in a migration test (RunTenancyMigration,
// RunShortSHAMigration): Before runs statements on a database migrated up to the schema just
// before the migration under test; Open then opens the same database as a store, which applies
// the remaining migrations.
type MigrationFixture struct {
	Before func(t *testing.T, statements []string)
	Open   func(t *testing.T) store.Store
}

// legacyRows are patterns as stored before tenancy: a global UI pattern, a repository-scoped UI
// pattern, a pattern loaded from a file and a built-in.
var legacyRows = []string{
	`INSERT INTO patterns (name, kind, expression, source, repo_id) VALUES ('global ui', 'literal', 'x', 'ui', NULL)`,
	`INSERT INTO patterns (name, kind, expression, source, repo_id)
		VALUES ('repo ui', 'literal', 'y', 'ui', (SELECT id FROM repositories WHERE full_name = 'Acme/widgets'))`,
	`INSERT INTO patterns (name, kind, expression, source, repo_id) VALUES ('from file', 'literal', 'z', 'team.yml', NULL)`,
	`INSERT INTO patterns (name, kind, expression, source, repo_id) VALUES ('apt', 'literal', 'Hash', 'builtin:debian', NULL)`,
}

// RunTenancyMigration checks what migration 00200 does to patterns stored before tenancy, in a
// store with one owner and in one with two (docs/security.md, "Migration of existing patterns").
func RunTenancyMigration(t *testing.T, single, multi MigrationFixture) {
	byName := func(t *testing.T, s store.Store) map[string]store.Pattern {
		ps, err := s.Patterns(ctx(t), store.PatternFilter{IncludeRetired: true})
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]store.Pattern{}
		for _, p := range ps {
			out[p.Name] = p
		}
		return out
	}
	common := func(t *testing.T, s store.Store, ps map[string]store.Pattern) {
		r, err := s.Repository(ctx(t), "Acme/widgets")
		if err != nil {
			t.Fatal(err)
		}
		if p := ps["repo ui"]; p.Scope != store.ScopeRepository || p.Owner != "acme" || p.RepoID == nil || *p.RepoID != r.ID ||
			p.Source != "ui:Acme/widgets" || !p.Active() {
			t.Errorf("repository UI pattern migrated to %+v", p)
		}
		for _, n := range []string{"from file", "apt"} {
			if p := ps[n]; p.Scope != store.ScopeOperator || p.Owner != "" || !p.Active() {
				t.Errorf("%s migrated to scope %q owner %q active %v, want an active operator pattern", n, p.Scope, p.Owner, p.Active())
			}
		}
	}
	t.Run("one owner", func(t *testing.T) {
		single.Before(t, append([]string{
			`INSERT INTO repositories (full_name, active, private) VALUES ('Acme/widgets', TRUE, FALSE), ('acme/tools', TRUE, TRUE)`,
		}, legacyRows...))
		s := single.Open(t)
		ps := byName(t, s)
		common(t, s, ps)
		if p := ps["global ui"]; p.Scope != store.ScopeAccount || p.Owner != "acme" || p.Source != "ui:acme" || !p.Active() {
			t.Errorf("global UI pattern in a one-owner store migrated to %+v, want acme's account pattern", p)
		}
	})
	t.Run("two owners", func(t *testing.T) {
		multi.Before(t, append([]string{
			`INSERT INTO repositories (full_name, active, private) VALUES ('Acme/widgets', TRUE, FALSE), ('evil/lab', TRUE, FALSE)`,
		}, legacyRows...))
		s := multi.Open(t)
		ps := byName(t, s)
		common(t, s, ps)
		p := ps["global ui"]
		if p.Scope != store.ScopeLegacy || p.Active() || p.RetiredBy != "totto" {
			t.Fatalf("global UI pattern in a two-owner store migrated to %+v, want retired legacy", p)
		}
		trail, err := s.AuditTrail(ctx(t), "pattern:"+itoa(p.ID), 0)
		if err != nil || len(trail) != 1 || !strings.Contains(trail[0].Detail, "tenancy migration") {
			t.Errorf("audit trail of the retired legacy pattern: %+v (err %v)", trail, err)
		}
		evil, err := s.Repository(ctx(t), "evil/lab")
		if err != nil {
			t.Fatal(err)
		}
		applying, err := s.Patterns(ctx(t), store.PatternFilter{ForRepo: evil.ID})
		if err != nil {
			t.Fatal(err)
		}
		for _, q := range applying {
			if q.Name == "global ui" || q.Name == "repo ui" {
				t.Errorf("pattern %q applies to evil/lab after the migration", q.Name)
			}
		}
	})
}
