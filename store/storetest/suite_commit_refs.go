package storetest

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
)

// testResolveCommit checks that a typed short SHA names one known commit of its repository
// (from jobs or pushes), and that an unknown, ambiguous, short or malformed one is refused with a
// reason rather than stored as a commit nothing will ever match.
func testResolveCommit(t *testing.T, s store.Store) {
	c := ctx(t)
	r, other := repo(t, s, "o/r"), repo(t, s, "o/other")
	const (
		built  = "1234567aaaa0000000000000000000000000000a" // CI ran on it
		twinA  = "abcdef01aa000000000000000000000000000000" // twinA and twinB share "abcdef0"
		twinB  = "abcdef02bb000000000000000000000000000000"
		pushed = "feedface00000000000000000000000000000000" // only pushed
		theirs = "9999999000000000000000000000000000000000" // another repository's
	)
	at := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	for i, sha := range []string{built, twinA, twinB} {
		must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "rc" + string(rune('0'+i)), RepoID: r.ID, SHA: sha, Name: "lint", Conclusion: "failure"}))
	}
	// A second job on the same commit must not make it ambiguous with itself.
	must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "rc9", RepoID: r.ID, SHA: built, Name: "test", Conclusion: "success"}))
	must(s.UpsertJob(c, store.Job{Provider: "ingest", ExternalID: "rcx", RepoID: other.ID, SHA: theirs, Name: "lint", Conclusion: "failure"}))
	if err := s.RecordBranchCommits(c, r.ID, "main", []store.BranchCommit{{SHA: pushed, PushedAt: at}, {SHA: built, PushedAt: at}}); err != nil {
		t.Fatal(err)
	}

	if got := must(s.CommitsByPrefix(c, r.ID, "abcdef0", 10)); !slices.Equal(got, []string{twinA, twinB}) {
		t.Fatalf("CommitsByPrefix(abcdef0) = %v, want both twins in SHA order", got)
	}
	if got := must(s.CommitsByPrefix(c, r.ID, "abcdef0", 1)); len(got) != 1 {
		t.Fatalf("CommitsByPrefix limit 1 = %v", got)
	}
	if got := must(s.CommitsByPrefix(c, r.ID, "f", 10)); !slices.Equal(got, []string{pushed}) {
		t.Fatalf("CommitsByPrefix(f) = %v, want the pushed commit (a prefix ending in f stays in range)", got)
	}

	for ref, want := range map[string]string{
		"1234567":               built,
		" 1234567AAAA ":         built, // as pasted: spaces and upper case
		"abcdef01":              twinA,
		"feedface":              pushed,
		built:                   built,
		strings.Repeat("e", 40): strings.Repeat("e", 40), // a full SHA names a commit CI has not run yet
	} {
		got, err := store.ResolveCommit(c, s, r.ID, ref)
		if err != nil || got != want {
			t.Errorf("ResolveCommit(%q) = %q, %v; want %q", ref, got, err, want)
		}
	}
	for ref, reason := range map[string]string{
		"abcdef0":               "ambiguous",
		"9999999":               "not the start of any commit", // another repository's commit is not this one's
		"7777777":               "not the start of any commit",
		"123456":                "at least 7",
		"":                      "empty",
		"main~1":                "not a SHA",
		"1234567z":              "not a SHA",
		strings.Repeat("a", 41): "longer than a SHA",
	} {
		_, err := store.ResolveCommit(c, s, r.ID, ref)
		var ce *store.CommitRefError
		if !errors.Is(err, store.ErrCommitRef) || !errors.As(err, &ce) || !strings.Contains(err.Error(), reason) {
			t.Errorf("ResolveCommit(%q) error = %v, want a commit reference error saying %q", ref, err, reason)
		}
	}
	_, err := store.ResolveCommit(c, s, r.ID, "abcdef0")
	var ce *store.CommitRefError
	if errors.As(err, &ce); ce == nil || !slices.Equal(ce.Candidates, []string{twinA, twinB}) {
		t.Errorf("ambiguous prefix candidates = %+v", ce)
	}
}
