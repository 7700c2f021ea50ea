package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// CommitLookup finds a repository's known commits by the start of their SHA; a role of Store.
type CommitLookup interface {
	// CommitsByPrefix lists, in SHA order, up to limit distinct full SHAs starting with prefix
	// (lower-case hex) among the repository's known commits: those CI ran jobs on and those pushed
	// to a recorded branch.
	CommitsByPrefix(ctx context.Context, repoID int64, prefix string, limit int) ([]string, error)
}

// MinCommitPrefix is the fewest hex digits a short SHA may have, as git abbreviates by default.
const MinCommitPrefix = 7

// ErrCommitRef: a commit typed by a person does not name exactly one commit. The error wrapping
// it (a *CommitRefError) says why, in words fit to show that person.
var ErrCommitRef = errors.New("commit reference")

// CommitRefError says why a typed commit cannot be used: not a SHA, too short, unknown or
// ambiguous.
type CommitRefError struct {
	Ref        string   // as typed, clipped
	Reason     string   // what the reference is and what to do instead, read after "is"
	Candidates []string // the known commits an ambiguous prefix starts
}

func (e *CommitRefError) Error() string { return fmt.Sprintf("commit %q is %s", e.Ref, e.Reason) }

// Unwrap makes errors.Is(err, ErrCommitRef) hold.
func (e *CommitRefError) Unwrap() error { return ErrCommitRef }

// ResolveCommit turns a commit as a person types it (a full SHA, or a short one as pages and git
// show it) into the full SHA of one commit of the repository, so a known-broken range entered
// with a short SHA covers what it says. A full SHA (40 or 64 hex digits) is taken as is: it names
// one commit even before CI has run on it. A shorter one must be a prefix of at least
// MinCommitPrefix digits of exactly one known commit; otherwise a *CommitRefError says why.
func ResolveCommit(ctx context.Context, l CommitLookup, repoID int64, ref string) (string, error) {
	ref = strings.ToLower(strings.TrimSpace(ref))
	bad := func(reason string, candidates ...string) error {
		shown := ref
		if len(shown) > 64 {
			shown = shown[:64] + "…"
		}
		return &CommitRefError{Ref: shown, Reason: reason, Candidates: candidates}
	}
	switch {
	case ref == "":
		return "", bad("empty")
	case strings.Trim(ref, "0123456789abcdef") != "":
		return "", bad("not a SHA: use its hex digits (0-9, a-f)")
	case len(ref) < MinCommitPrefix:
		return "", bad(fmt.Sprintf("too short to name one commit: give at least %d characters of its SHA", MinCommitPrefix))
	case len(ref) > 64 || (len(ref) > 40 && len(ref) < 64):
		return "", bad("longer than a SHA (40 hex digits, 64 in SHA-256 repositories)")
	case len(ref) == 40 || len(ref) == 64:
		return ref, nil
	}
	found, err := l.CommitsByPrefix(ctx, repoID, ref, 3)
	if err != nil {
		return "", fmt.Errorf("resolving commit %q in repository %d: %w", ref, repoID, err)
	}
	switch len(found) {
	case 0:
		return "", bad("not the start of any commit totto knows of in this repository: give the full SHA")
	case 1:
		return found[0], nil
	}
	shown := make([]string, len(found))
	for i, f := range found {
		shown[i] = f[:min(len(f), len(ref)+4)] + "…"
	}
	more := ""
	if len(found) > 2 {
		more = " and more"
	}
	return "", bad(fmt.Sprintf("ambiguous: it starts %s%s; give more characters", strings.Join(shown[:min(2, len(shown))], ", "), more), found...)
}
