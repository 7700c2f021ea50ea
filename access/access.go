// Package access is the one permission rule per action: what a GitHub user must be allowed on
// GitHub to read or change something in totto. The web UI, the JSON API and the /totto slash
// commands all decide through Allowed, each asking GitHub through its own Checker (the signed-in
// user's token in the UI, the installation's token for commands).
package access

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// Action is something a user asks totto to do.
type Action string

// Actions, one row each in Rules.
const (
	// ReadRepository: see a repository's jobs, logs, matches and every count over them.
	ReadRepository Action = "read a repository's results"
	// ChangeRepositoryPattern: save or retire a pattern of one repository.
	ChangeRepositoryPattern Action = "change a repository pattern"
	// ChangeAccountPattern: save or retire a pattern of every repository of one owner.
	ChangeAccountPattern Action = "change an account-wide pattern"
	// ChangeOperatorPattern: change a built-in pack or a pattern the operator loaded.
	ChangeOperatorPattern Action = "change a built-in or operator pattern"
	// ChangeAnnotation: mark jobs known-broken or fixed (UI form, /totto known-broken|fixed).
	ChangeAnnotation Action = "mark or clear known-broken"
	// RunCommand: any other state-changing /totto command (rescan, …).
	RunCommand Action = "run a /totto command"
)

// Need is what GitHub must grant for an action.
type Need int

// Needs, from least to most.
const (
	// NeedRead: the repository is public, or the user can read it on GitHub.
	NeedRead Need = iota + 1
	// NeedWrite: write, maintain or admin permission on the repository.
	NeedWrite
	// NeedOwnerAdmin: the user is the owner (a user account) or an owner (admin role) of the
	// organisation.
	NeedOwnerAdmin
	// NeedOperator: nobody through the UI, API or commands; configuration and the CLI only.
	NeedOperator
)

// Rules is the permission table (README's "Who can change what" shows it to users).
var Rules = map[Action]Need{
	ReadRepository:          NeedRead,
	ChangeRepositoryPattern: NeedWrite,
	ChangeAccountPattern:    NeedOwnerAdmin,
	ChangeOperatorPattern:   NeedOperator,
	ChangeAnnotation:        NeedWrite,
	RunCommand:              NeedWrite,
}

func (n Need) String() string {
	switch n {
	case NeedRead:
		return "read access to the repository"
	case NeedWrite:
		return "write access to the repository"
	case NeedOwnerAdmin:
		return "being the account, or an owner of the organisation"
	case NeedOperator:
		return "the operator (configuration or the totto CLI)"
	}
	return fmt.Sprintf("need(%d)", int(n))
}

// Target is what an action is about: a repository (owner/name) or an owner alone.
type Target struct {
	Owner   string // GitHub login of the account
	Repo    string // owner/name; "" for an account-wide action
	Private bool   // for NeedRead: a public repository is readable by everyone
}

// Checker asks GitHub about one user. Answers of "no" are false with a nil error; an error
// means GitHub could not be asked (the caller fails closed).
type Checker interface {
	CanRead(ctx context.Context, login, repo string) (bool, error)
	CanWrite(ctx context.Context, login, repo string) (bool, error)
	// IsOrgAdmin reports whether login is an active member with the admin role of the
	// organisation owner; false for a user account or a non-member.
	IsOrgAdmin(ctx context.Context, login, owner string) (bool, error)
}

// ErrOperatorOnly refuses an action only configuration or the CLI may take.
var ErrOperatorOnly = errors.New("only the operator changes built-in and operator patterns (configuration or the totto CLI); switch a built-in off for one repository with builtin_off in .github/totto.yml")

// Allowed decides whether login ("" when signed out) may take action a on t. A refusal is
// (false, nil); ErrOperatorOnly for operator actions; other errors come from the Checker.
func Allowed(ctx context.Context, c Checker, login string, a Action, t Target) (bool, error) {
	need, ok := Rules[a]
	if !ok {
		return false, fmt.Errorf("access: no rule for action %q", a)
	}
	if need == NeedRead && !t.Private {
		return true, nil
	}
	if need == NeedOperator {
		return false, ErrOperatorOnly
	}
	if login == "" {
		return false, nil
	}
	switch need {
	case NeedRead:
		return c.CanRead(ctx, login, t.Repo)
	case NeedWrite:
		if t.Repo == "" {
			return false, fmt.Errorf("access: %q needs a repository", a)
		}
		return c.CanWrite(ctx, login, t.Repo)
	case NeedOwnerAdmin:
		if t.Owner == "" {
			return false, fmt.Errorf("access: %q needs an owner", a)
		}
		if strings.EqualFold(login, t.Owner) {
			return true, nil
		}
		return c.IsOrgAdmin(ctx, login, t.Owner)
	}
	return false, fmt.Errorf("access: unknown need %d", need)
}
