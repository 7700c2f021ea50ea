package web

import (
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// testPageOf links a failing test to its history on the tests page.
func testPageOf(repo string, t triage.FailingTest) string {
	return testHref(repo, store.TestKey{Runner: t.Runner, File: t.File, Name: t.Name})
}
