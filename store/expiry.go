package store

import (
	"context"
	"strings"
	"time"
)

// DefaultExpiryPasses is how many commits in a row a known-broken job must pass on the default
// branch before its annotation closes by itself.
const DefaultExpiryPasses = 3

// AnnotationExpirer closes known-broken annotations that nobody closed with /totto fixed once
// the branch shows the job fixed, so a stale annotation cannot keep excusing a new breakage of
// the same job.
type AnnotationExpirer interface {
	// ExpireKnownBroken closes every open annotation of repository repoID whose jobs have passed
	// on branch on the last passes commits in a row (see KnownBrokenExpiry), at the first of
	// those commits, recording actor; it returns the annotations it closed.
	ExpireKnownBroken(ctx context.Context, repoID int64, branch string, passes int, actor string) ([]Annotation, error)
}

// BranchJobRun is one attempt of one job on a branch, as KnownBrokenExpiry reads history.
type BranchJobRun struct {
	SHA        string
	Name       string
	Attempt    int
	Conclusion string
	// At orders commits: the earliest time any job of the commit was seen.
	At time.Time
}

// KnownBrokenExpiry decides whether an open annotation on job glob has expired: on each of the
// last passes commits of history (runs after the annotation was opened, in any order) at least one
// job matching the glob ran and every such job's latest attempt succeeded. It returns the first
// commit of that passing streak, where the range is taken to have been fixed. Commits where no
// matching job ran are skipped, not counted; passes <= 0 means DefaultExpiryPasses.
func KnownBrokenExpiry(glob string, history []BranchJobRun, passes int) (string, bool) {
	if passes <= 0 {
		passes = DefaultExpiryPasses
	}
	type commit struct {
		sha    string
		at     time.Time
		latest map[string]BranchJobRun // by job name
	}
	bySHA := map[string]*commit{}
	var commits []*commit
	for _, r := range history {
		if !AnnotationGlobMatch(glob, r.Name) {
			continue
		}
		c, ok := bySHA[r.SHA]
		if !ok {
			c = &commit{sha: r.SHA, at: r.At, latest: map[string]BranchJobRun{}}
			bySHA[r.SHA] = c
			commits = append(commits, c)
		}
		if r.At.Before(c.at) {
			c.at = r.At
		}
		if old, ok := c.latest[r.Name]; !ok || r.Attempt >= old.Attempt {
			c.latest[r.Name] = r
		}
	}
	// Oldest first; ties keep input order.
	for i := 1; i < len(commits); i++ {
		for k := i; k > 0 && commits[k].at.Before(commits[k-1].at); k-- {
			commits[k], commits[k-1] = commits[k-1], commits[k]
		}
	}
	streak := 0
	for i := len(commits) - 1; i >= 0; i-- {
		if !allPassed(commits[i].latest) {
			break
		}
		streak++
		if streak == passes {
			return commits[i].sha, true
		}
	}
	return "", false
}

func allPassed(latest map[string]BranchJobRun) bool {
	for _, r := range latest {
		if r.Conclusion != "success" {
			return false
		}
	}
	return len(latest) > 0
}

// AnnotationGlobMatch matches a job name against an annotation's job glob as triage does:
// case-insensitively, '*' for any run of characters ('/' included), '?' for one character, all
// else literal (job names are full of brackets and parentheses).
func AnnotationGlobMatch(glob, name string) bool {
	g, n := []rune(strings.ToLower(glob)), []rune(strings.ToLower(name))
	gi, ni := 0, 0
	starAt, resume := -1, 0
	for ni < len(n) {
		if gi < len(g) && g[gi] == '*' {
			starAt, resume = gi, ni
			gi++
			continue
		}
		if gi < len(g) && (g[gi] == '?' || g[gi] == n[ni]) {
			gi++
			ni++
			continue
		}
		if starAt < 0 {
			return false
		}
		resume++
		gi, ni = starAt+1, resume
	}
	for gi < len(g) && g[gi] == '*' {
		gi++
	}
	return gi == len(g)
}
