package handlers

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/store"
	_ "github.com/totto-ci/totto/store/sqlite"
)

func openStore(t *testing.T) store.Store {
	t.Helper()
	st, err := store.Open(t.Context(), "sqlite:"+t.TempDir()+"/totto.db")
	if err != nil {
		t.Fatalf("open sqlite store: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// repoJSON is a payload repository; private "" leaves the field out.
func repoJSON(name, private string) string {
	p := ""
	if private != "" {
		p = `, "private": ` + private
	}
	return fmt.Sprintf(`{"full_name": %q, "name": %q, "owner": {"login": "acme"}, "default_branch": "main"%s}`, name, name, p)
}

func pushJSON(repo string) []byte {
	return []byte(`{"ref": "refs/heads/main", "installation": {"id": 7}, "repository": ` + repo +
		`, "commits": [{"id": "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "message": "fix"}]}`)
}

// TestIntakeRecordsVisibility: every event that records a repository records whether it is
// private, follows a change of visibility, and counts a payload that does not say as private.
func TestIntakeRecordsVisibility(t *testing.T) {
	st := openStore(t)
	in := &Intake{Store: st}
	ctx := t.Context()
	install := []byte(`{"action": "created", "installation": {"id": 7, "account": {"login": "acme"}}, "repositories": [` +
		repoJSON("acme/secret", "true") + `, ` + repoJSON("acme/open", "false") + `]}`)
	added := []byte(`{"action": "added", "installation": {"id": 7}, "repositories_added": [` + repoJSON("acme/new", "true") + `]}`)
	steps := []struct {
		name    string
		handle  func() error
		repo    string
		private bool
	}{
		{"installation: private repository", func() error { return Installation{in}.Handle(ctx, "installation", "d1", install) }, "acme/secret", true},
		{"installation: public repository", func() error { return nil }, "acme/open", false},
		{"repositories added", func() error {
			return InstallationRepositories{in}.Handle(ctx, "installation_repositories", "d2", added)
		}, "acme/new", true},
		{"push: made private", func() error { return Push{in}.Handle(ctx, "push", "d3", pushJSON(repoJSON("acme/open", "true"))) }, "acme/open", true},
		{"push: made public", func() error { return Push{in}.Handle(ctx, "push", "d4", pushJSON(repoJSON("acme/open", "false"))) }, "acme/open", false},
		{"push: unknown repository, visibility unsaid", func() error {
			return Push{in}.Handle(ctx, "push", "d5", pushJSON(repoJSON("acme/unsaid", "")))
		}, "acme/unsaid", true},
	}
	for _, s := range steps {
		if err := s.handle(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		r, err := st.Repository(ctx, s.repo)
		if err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		if r.Private != s.private || !r.Active {
			t.Errorf("%s: %s private=%t active=%t, want private=%t active", s.name, s.repo, r.Private, r.Active, s.private)
		}
	}
	// A command comment records a known repository's visibility and creates no unknown one.
	in.noteVisibility(ctx, &github.Repository{FullName: github.Ptr("acme/open"), Private: github.Ptr(true)})
	if r, err := st.Repository(ctx, "acme/open"); err != nil || !r.Private {
		t.Errorf("comment made acme/open private: %+v %v", r, err)
	}
	in.noteVisibility(ctx, &github.Repository{FullName: github.Ptr("acme/never"), Private: github.Ptr(false)})
	if _, err := st.Repository(ctx, "acme/never"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a comment recorded an unknown repository: %v", err)
	}
	// A known repository's installation survives the visibility update.
	if r, _ := st.Repository(ctx, "acme/open"); r.InstallationID == nil || *r.InstallationID != 7 {
		t.Errorf("acme/open lost its installation: %+v", r)
	}
}
