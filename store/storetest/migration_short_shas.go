package storetest

import (
	"strings"
	"testing"
)

// RunShortSHAMigration checks migration 00331: a known-broken range stored with a short SHA that
// starts exactly one known commit of its repository (from a job or a push) covers that commit
// afterwards; an ambiguous, unknown or non-hex one, and full SHAs, are left as they were.
func RunShortSHAMigration(t *testing.T, m MigrationFixture) {
	full := func(c byte, tail string) string { return strings.Repeat(string(c), 40-len(tail)) + tail }
	built, pushed, twinA, twinB, other := full('a', "1"), full('b', "2"), full('c', "3"), full('c', "4"), full('d', "5")
	m.Before(t, []string{
		`INSERT INTO repositories (full_name, active, private) VALUES ('o/r', TRUE, FALSE), ('o/other', TRUE, FALSE)`,
		`INSERT INTO jobs (provider, external_id, repo_id, sha, name, conclusion) VALUES
			('ingest', '1', (SELECT id FROM repositories WHERE full_name = 'o/r'), '` + built + `', 'lint', 'failure'),
			('ingest', '2', (SELECT id FROM repositories WHERE full_name = 'o/r'), '` + built + `', 'test', 'success'),
			('ingest', '3', (SELECT id FROM repositories WHERE full_name = 'o/r'), '` + twinA + `', 'lint', 'failure'),
			('ingest', '4', (SELECT id FROM repositories WHERE full_name = 'o/r'), '` + twinB + `', 'lint', 'failure'),
			('ingest', '5', (SELECT id FROM repositories WHERE full_name = 'o/other'), '` + other + `', 'lint', 'failure')`,
		`INSERT INTO branch_commits (repo_id, branch, sha, pushed_at) VALUES
			((SELECT id FROM repositories WHERE full_name = 'o/r'), 'main', '` + pushed + `', '2026-01-01 00:00:00+00:00'),
			((SELECT id FROM repositories WHERE full_name = 'o/r'), 'main', '` + built + `', '2026-01-01 00:00:00+00:00')`,
		`INSERT INTO annotations (repo_id, job_glob, from_sha, to_sha) VALUES
			((SELECT id FROM repositories WHERE full_name = 'o/r'), 'built', 'AAAAAAA', 'bbbbbbbb'),
			((SELECT id FROM repositories WHERE full_name = 'o/r'), 'ambiguous', 'ccccccc', NULL),
			((SELECT id FROM repositories WHERE full_name = 'o/r'), 'elsewhere', 'ddddddd', 'main~12'),
			((SELECT id FROM repositories WHERE full_name = 'o/r'), 'full', '` + twinA + `', NULL)`,
	})
	s := m.Open(t)
	r := must(s.Repository(ctx(t), "o/r"))
	got := map[string]string{}
	for _, a := range must(s.Annotations(ctx(t), r.ID, false)) {
		to := "<open>"
		if a.ToSHA != nil {
			to = *a.ToSHA
		}
		got[a.JobGlob] = a.FromSHA + " " + to
	}
	for glob, want := range map[string]string{
		"built":     built + " " + pushed, // from a job's commit (upper case as typed) to a pushed one
		"ambiguous": "ccccccc <open>",
		"elsewhere": "ddddddd main~12", // another repository's commit is not this one's
		"full":      twinA + " <open>",
	} {
		if got[glob] != want {
			t.Errorf("annotation %s after the migration: %q, want %q", glob, got[glob], want)
		}
	}
}
