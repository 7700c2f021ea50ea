package web

import (
	"net/http"
	"net/url"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/verdicts"
)

// testsWindowDays is the period the tests page counts over (the default flaky window, as the
// verdicts decided from the store use).
const testsWindowDays = verdicts.TestsWindowDays

// testsListed bounds the tests and the failures of one test the page lists.
const testsListed = 200

// testsNewListed bounds the newest failing tests listed above them.
const testsNewListed = 20

type testsData struct {
	Repo  string
	Days  int
	Tests []testRow
	// New are the tests whose first recorded failure is within the window, the newest first:
	// the failures somebody's recent change may have brought.
	New []testRow
	// Test is the test asked for with ?test=ID, with its failures.
	Test     *testRow
	Failures []store.TestFailure
}

type testRow struct {
	store.TestSummary
	Href string
}

// testsPage lists a repository's failing tests over the window: the newest (first failed within
// it), then all of them flakiest first, each linking to its history: every recorded failure with its commit, pull request and a link to the log line.
func (s *server) testsPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	repo, ok := s.pathRepo(w, r)
	if !ok || !s.viewer(r).allow(w, r, infoOf(repo)) {
		return
	}
	since := s.deps.Now().AddDate(0, 0, -testsWindowDays)
	list, err := s.st.RepoTests(ctx, repo.ID, since, testsListed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := testsData{Repo: repo.FullName, Days: testsWindowDays}
	for _, t := range list {
		d.Tests = append(d.Tests, testRow{TestSummary: t, Href: testHref(repo.FullName, t.TestKey)})
	}
	fresh, err := s.st.NewTests(ctx, repo.ID, since, testsNewListed)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range fresh {
		d.New = append(d.New, testRow{TestSummary: t, Href: testHref(repo.FullName, t.TestKey)})
	}
	if id := r.URL.Query().Get("test"); id != "" {
		for i := range d.Tests {
			if d.Tests[i].ID() == id {
				d.Test = &d.Tests[i]
			}
		}
		if d.Test == nil {
			s.notFound(w, r, "no test "+id+" failed in the last days shown")
			return
		}
		if d.Failures, err = s.st.TestFailures(ctx, repo.ID, d.Test.TestKey, testsListed); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "tests", repo.FullName+" tests", d)
}

// testHref is the tests page of one test, named by its opaque id (store.TestKey.ID), never by
// its name: a name is log text.
func testHref(repo string, k store.TestKey) string {
	return "/repos/" + repo + "/tests?" + url.Values{"test": {k.ID()}}.Encode()
}
