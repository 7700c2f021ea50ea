package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/totto-ci/totto/access"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// annotationChange is a checked known-broken form: who may change what, at which full SHA.
type annotationChange struct {
	repo  store.Repository
	glob  string
	sha   string
	actor string
}

// annotationForm reads and checks the job glob and the commit (form field commitField) of an
// annotation form, and the visitor's right to change annotations. It answers the request itself
// and reports false when the change cannot go ahead.
func (s *server) annotationForm(w http.ResponseWriter, r *http.Request, commitField, commitWord string) (annotationChange, bool) {
	repo, ok := s.pathRepo(w, r)
	if !ok {
		return annotationChange{}, false
	}
	glob, ref := strings.TrimSpace(r.PostFormValue("job")), strings.TrimSpace(r.PostFormValue(commitField))
	if glob == "" || ref == "" {
		http.Error(w, "a job glob and "+commitWord+" are required", http.StatusBadRequest)
		return annotationChange{}, false
	}
	if err := triage.CheckJobGlob(glob); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return annotationChange{}, false
	}
	actor, ok := s.authorize(w, r, access.ChangeAnnotation, access.Target{Owner: repo.Owner(), Repo: repo.FullName, Private: repo.Private})
	if !ok {
		return annotationChange{}, false
	}
	// A short SHA as the grid shows it resolves to the one known commit it starts, or is refused
	// with the reason: stored as typed it would cover nothing.
	sha, err := store.ResolveCommit(r.Context(), s.st, repo.ID, ref)
	if errors.Is(err, store.ErrCommitRef) {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return annotationChange{}, false
	} else if err != nil {
		s.fail(w, r, err)
		return annotationChange{}, false
	}
	return annotationChange{repo: repo, glob: glob, sha: sha, actor: actor}, true
}

// openAnnotation declares a known-broken range from a commit on.
func (s *server) openAnnotation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.annotationForm(w, r, "from", "a from-commit")
	if !ok {
		return
	}
	a := store.Annotation{RepoID: c.repo.ID, JobGlob: c.glob, FromSHA: c.sha, Reason: strings.TrimSpace(r.PostFormValue("reason")), CreatedBy: c.actor}
	if _, err := s.st.OpenAnnotation(r.Context(), a); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.decideAgain(r.Context(), "known-broken range opened"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/repos/"+c.repo.FullName+"/health", http.StatusSeeOther)
}

// closeAnnotation ends the open known-broken ranges of a job glob at the fixing commit.
func (s *server) closeAnnotation(w http.ResponseWriter, r *http.Request) {
	c, ok := s.annotationForm(w, r, "to", "a fixing commit")
	if !ok {
		return
	}
	if _, err := s.st.CloseAnnotation(r.Context(), c.repo.ID, c.glob, c.sha, c.actor); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.decideAgain(r.Context(), "known-broken range closed"); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/repos/"+c.repo.FullName+"/health", http.StatusSeeOther)
}
