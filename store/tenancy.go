package store

import (
	"fmt"
	"strings"
)

// PatternScope says whose a pattern is. A pattern never matches, counts or decides anything
// outside its scope: the scan pairs a pattern only with logs of jobs in its scope, and every read
// of matches, hits and precision applies the same rule (PatternAppliesSQL).
type PatternScope string

// Pattern scopes.
const (
	// ScopeOperator: the built-in packs and patterns the operator loads with the CLI; they apply
	// to every repository. Only configuration and the CLI change them.
	ScopeOperator PatternScope = "operator"
	// ScopeAccount: one GitHub owner's (an organisation or a user) patterns, for all its
	// repositories.
	ScopeAccount PatternScope = "account"
	// ScopeRepository: one repository's patterns, saved in the UI or read from its
	// .github/totto.yml.
	ScopeRepository PatternScope = "repository"
	// ScopeLegacy: a global pattern saved in the UI before scopes existed whose owner could not be
	// told; retired by the migration, it applies nowhere.
	ScopeLegacy PatternScope = "legacy"
)

// OwnerOf is the tenant of a repository full name ("Acme/widgets" → "acme"): GitHub logins are
// case-insensitive, so owners are compared lower-cased.
func OwnerOf(fullName string) string {
	o, _, _ := strings.Cut(fullName, "/")
	return strings.ToLower(o)
}

// Owner is the repository's tenant (see OwnerOf).
func (r Repository) Owner() string { return OwnerOf(r.FullName) }

// NormaliseScope fills in and checks a pattern's scope before it is stored: an empty scope is
// derived (RepoID → repository, Owner → account, else operator); the owner is lower-cased. A
// repository pattern's Owner must be set by the caller (the store fills it from the repository).
func (p *Pattern) NormaliseScope() error {
	p.Owner = strings.ToLower(strings.TrimSpace(p.Owner))
	if p.Scope == "" {
		switch {
		case p.RepoID != nil:
			p.Scope = ScopeRepository
		case p.Owner != "":
			p.Scope = ScopeAccount
		default:
			p.Scope = ScopeOperator
		}
	}
	switch p.Scope {
	case ScopeOperator:
		if p.RepoID != nil || p.Owner != "" {
			return fmt.Errorf("pattern %q: an operator pattern has no owner or repository", p.Name)
		}
	case ScopeAccount:
		if p.Owner == "" || p.RepoID != nil || strings.Contains(p.Owner, "/") {
			return fmt.Errorf("pattern %q: an account pattern names one owner and no repository", p.Name)
		}
	case ScopeRepository:
		if p.RepoID == nil {
			return fmt.Errorf("pattern %q: a repository pattern names its repository", p.Name)
		}
	case ScopeLegacy:
		return fmt.Errorf("pattern %q: legacy patterns cannot be created", p.Name)
	default:
		return fmt.Errorf("pattern %q: unknown scope %q", p.Name, p.Scope)
	}
	return nil
}

// SameScope reports whether two patterns belong to the same tenant.
func SameScope(a, b *Pattern) bool {
	if a.Scope != b.Scope || a.Owner != b.Owner {
		return false
	}
	return (a.RepoID == nil) == (b.RepoID == nil) && (a.RepoID == nil || *a.RepoID == *b.RepoID)
}

// PatternAppliesSQL is the tenancy rule in SQL, the one definition every query uses: the
// pattern row aliased p applies to the repository whose id is the SQL expression repoID.
func PatternAppliesSQL(p, repoID string) string {
	return `(` + p + `.scope = 'operator' OR (` + p + `.scope = 'repository' AND ` + p + `.repo_id = ` + repoID + `)
		OR (` + p + `.scope = 'account' AND ` + p + `.owner = (SELECT ro.owner FROM repositories ro WHERE ro.id = ` + repoID + `)))`
}

// Audience is the set of repositories a reader may see: every count, chart, hit list and
// trial shown to them is computed over these repositories only. The zero value sees nothing
// (fail closed).
type Audience struct {
	// All: every repository (the operator's CLI; the UI in DevInsecure mode).
	All bool
	// Repos are the readable repositories' ids.
	Repos []int64
	// Owner adds every repository of one GitHub owner (lower-cased login): what triage of one
	// of its repositories may learn from.
	Owner string
}

// OwnerAudience is every repository of an owner.
func OwnerAudience(owner string) Audience { return Audience{Owner: strings.ToLower(owner)} }

// Everyone is the operator's audience.
var Everyone = Audience{All: true}

// SQL is the audience as a condition on the repository id expression col, with its arguments.
func (a Audience) SQL(col string) (string, []any) {
	if a.All {
		return `1 = 1`, nil
	}
	var conds []string
	var args []any
	if a.Owner != "" {
		conds = append(conds, col+` IN (SELECT ao.id FROM repositories ao WHERE ao.owner = ?)`)
		args = append(args, a.Owner)
	}
	if len(a.Repos) > 0 {
		conds = append(conds, col+` IN (`+strings.TrimSuffix(strings.Repeat("?, ", len(a.Repos)), ", ")+`)`)
		for _, id := range a.Repos {
			args = append(args, id)
		}
	}
	if len(conds) == 0 {
		return `1 = 0`, nil
	}
	return `(` + strings.Join(conds, ` OR `) + `)`, args
}

// OperatorActorPrefix starts the audit actor of changes the operator makes with the CLI
// ("operator:<name>"). A GitHub login cannot contain ":", so no UI user can act as the operator;
// a pattern the operator retired outright stays retired when packs are merged again.
const OperatorActorPrefix = "operator:"

// OperatorActor is the actor recorded for an operator's change.
func OperatorActor(name string) string { return OperatorActorPrefix + name }
