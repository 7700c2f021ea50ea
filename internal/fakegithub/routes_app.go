package fakegithub

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// AppState is the part of the fake the App's slash commands, configuration and base-branch
// lookups use: collaborator permissions, reactions and comments (recorded for assertions),
// repository files, pull requests and merge bases. Get it with Server.App, which also adds the
// endpoints.
type AppState struct {
	s *Server

	mu          sync.Mutex
	permissions map[string]string // "owner/repo/user" -> admin|maintain|write|triage|read
	files       map[string][]byte // "owner/repo/path" -> content (default branch)
	pulls       map[string]*Pull  // "owner/repo/number"
	mergeBases  map[string]string // "owner/repo/base/head" -> merge base SHA
	reactions   []Reaction
	comments    []Comment
	nextID      int64
	reruns      rerunState
}

// Pull is a pull request the fake knows.
type Pull struct {
	Owner, Repo string
	Number      int
	HeadSHA     string
	HeadRef     string
	BaseRef     string
	State       string // default "open"
}

// Reaction is a reaction created through the fake.
type Reaction struct {
	Owner, Repo string
	// CommentID is the reacted-to comment; CommitComment tells a commit comment from an issue one.
	CommentID     int64
	CommitComment bool
	Content       string
}

// Comment is a comment created through the fake, on an issue/pull request or on a commit.
type Comment struct {
	ID          int64
	Owner, Repo string
	IssueNumber int
	CommitSHA   string
	Body        string
	// Edits counts the times the body was replaced (PATCH).
	Edits int
}

var apps sync.Map // *Server -> *AppState

// App returns the fake's App-facing state, adding its endpoints on first use.
func (s *Server) App() *AppState {
	if a, ok := apps.Load(s); ok {
		return a.(*AppState)
	}
	a := &AppState{s: s, permissions: map[string]string{}, files: map[string][]byte{}, pulls: map[string]*Pull{},
		mergeBases: map[string]string{}, nextID: 5000}
	actual, loaded := apps.LoadOrStore(s, a)
	if loaded {
		return actual.(*AppState)
	}
	s.tb.Cleanup(func() { apps.Delete(s) })
	s.Handle("GET /repos/{owner}/{repo}/collaborators/{username}/permission", a.getPermission)
	s.Handle("POST /repos/{owner}/{repo}/issues/comments/{id}/reactions", a.reactIssueComment)
	s.Handle("POST /repos/{owner}/{repo}/comments/{id}/reactions", a.reactCommitComment)
	s.Handle("POST /repos/{owner}/{repo}/issues/{number}/comments", a.createIssueComment)
	s.Handle("POST /repos/{owner}/{repo}/commits/{sha}/comments", a.createCommitComment)
	s.Handle("GET /repos/{owner}/{repo}/issues/{number}/comments", a.listIssueComments)
	s.Handle("GET /repos/{owner}/{repo}/commits/{sha}/comments", a.listCommitComments)
	s.Handle("GET /repos/{owner}/{repo}/pulls/{number}", a.getPull)
	s.Handle("GET /repos/{owner}/{repo}/commits/{sha}/pulls", a.pullsOfCommit)
	s.Handle("GET /repos/{owner}/{repo}/compare/{basehead}", a.compare)
	s.Handle("GET /repos/{owner}/{repo}/contents/{path...}", a.getContents)
	s.Handle("GET /repos/{owner}/{repo}", a.getRepo)
	s.Handle("POST /repos/{owner}/{repo}/actions/jobs/{job_id}/rerun", a.rerunJob)
	s.Handle("PATCH /repos/{owner}/{repo}/issues/comments/{id}", a.editIssueComment)
	return a
}

// SetPermission gives user a role on owner/repo (admin, maintain, write, triage, read); users
// without one are not collaborators (404).
func (a *AppState) SetPermission(owner, repo, user, role string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.permissions[owner+"/"+repo+"/"+user] = role
}

// SetFile puts a file on owner/repo's default branch; nil content removes it.
func (a *AppState) SetFile(owner, repo, path string, content []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if content == nil {
		delete(a.files, owner+"/"+repo+"/"+path)
		return
	}
	a.files[owner+"/"+repo+"/"+path] = content
}

// AddPull makes a pull request known; MergeBase records base...head's merge base for compare.
func (a *AppState) AddPull(p Pull, mergeBase string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if p.State == "" {
		p.State = "open"
	}
	cp := p
	a.pulls[fmt.Sprintf("%s/%s/%d", p.Owner, p.Repo, p.Number)] = &cp
	if mergeBase != "" {
		a.mergeBases[fmt.Sprintf("%s/%s/%s/%s", p.Owner, p.Repo, p.BaseRef, p.HeadSHA)] = mergeBase
	}
}

// Reactions returns the reactions created so far, in order.
func (a *AppState) Reactions() []Reaction {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Reaction(nil), a.reactions...)
}

// Comments returns the comments created so far, in order.
func (a *AppState) Comments() []Comment {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]Comment(nil), a.comments...)
}

func (a *AppState) id() int64 {
	a.nextID++
	return a.nextID
}

func userJSON(login string) map[string]any {
	return map[string]any{"login": login, "id": len(login) + 1, "node_id": "U_" + login, "type": "User",
		"url": "https://api.github.com/users/" + login, "html_url": "https://github.com/" + login, "site_admin": false}
}

func (a *AppState) getPermission(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	role, ok := a.permissions[r.PathValue("owner")+"/"+r.PathValue("repo")+"/"+r.PathValue("username")]
	a.mu.Unlock()
	if !ok {
		writeJSON(w, http.StatusNotFound, map[string]string{"message": r.PathValue("username") + " is not a user", "documentation_url": "https://docs.github.com/rest"})
		return
	}
	perm := role
	switch role {
	case "maintain":
		perm = "write"
	case "triage":
		perm = "read"
	}
	writeJSON(w, http.StatusOK, map[string]any{"permission": perm, "role_name": role, "user": userJSON(r.PathValue("username"))})
}

func (a *AppState) react(w http.ResponseWriter, r *http.Request, commit bool) {
	var req struct {
		Content string `json:"content"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	id, _ := strconv.ParseInt(r.PathValue("id"), 10, 64)
	a.mu.Lock()
	a.reactions = append(a.reactions, Reaction{Owner: r.PathValue("owner"), Repo: r.PathValue("repo"), CommentID: id, CommitComment: commit, Content: req.Content})
	rid := a.id()
	a.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"id": rid, "node_id": fmt.Sprintf("REA_%d", rid), "content": req.Content,
		"user": userJSON("totto[bot]"), "created_at": time.Now().UTC().Format(time.RFC3339)})
}

func (a *AppState) reactIssueComment(w http.ResponseWriter, r *http.Request) { a.react(w, r, false) }

func (a *AppState) reactCommitComment(w http.ResponseWriter, r *http.Request) { a.react(w, r, true) }

func (a *AppState) comment(w http.ResponseWriter, r *http.Request, c Comment) {
	var req struct {
		Body string `json:"body"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeJSON(w, http.StatusBadRequest, map[string]string{"message": "Problems parsing JSON"})
		return
	}
	c.Owner, c.Repo, c.Body = r.PathValue("owner"), r.PathValue("repo"), req.Body
	a.mu.Lock()
	id := a.id()
	c.ID = id
	a.comments = append(a.comments, c)
	a.mu.Unlock()
	writeJSON(w, http.StatusCreated, map[string]any{"id": id, "node_id": fmt.Sprintf("IC_%d", id), "body": req.Body,
		"user": userJSON("totto[bot]"), "created_at": time.Now().UTC().Format(time.RFC3339),
		"html_url": fmt.Sprintf("https://github.com/%s/%s#comment-%d", c.Owner, c.Repo, id)})
}

// listComments answers a thread's comments, oldest first, in GitHub's shape (one page: the fake's
// threads are short).
func (a *AppState) listComments(w http.ResponseWriter, r *http.Request, keep func(Comment) bool) {
	a.mu.Lock()
	out := []map[string]any{}
	for _, c := range a.comments {
		if c.Owner == r.PathValue("owner") && c.Repo == r.PathValue("repo") && keep(c) {
			out = append(out, map[string]any{"id": c.ID, "node_id": fmt.Sprintf("IC_%d", c.ID), "body": c.Body,
				"user": userJSON("totto[bot]"), "created_at": time.Now().UTC().Format(time.RFC3339),
				"html_url": fmt.Sprintf("https://github.com/%s/%s#comment-%d", c.Owner, c.Repo, c.ID)})
		}
	}
	a.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (a *AppState) listIssueComments(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	a.listComments(w, r, func(c Comment) bool { return c.IssueNumber == n && c.CommitSHA == "" })
}

func (a *AppState) listCommitComments(w http.ResponseWriter, r *http.Request) {
	sha := r.PathValue("sha")
	a.listComments(w, r, func(c Comment) bool { return c.CommitSHA == sha })
}

func (a *AppState) createIssueComment(w http.ResponseWriter, r *http.Request) {
	n, _ := strconv.Atoi(r.PathValue("number"))
	a.comment(w, r, Comment{IssueNumber: n})
}

func (a *AppState) createCommitComment(w http.ResponseWriter, r *http.Request) {
	a.comment(w, r, Comment{CommitSHA: r.PathValue("sha")})
}

func pullJSON(p *Pull) map[string]any {
	ref := func(name, sha string) map[string]any {
		return map[string]any{"label": p.Owner + ":" + name, "ref": name, "sha": sha, "user": userJSON(p.Owner)}
	}
	return map[string]any{"id": p.Number + 100000, "number": p.Number, "state": p.State, "title": fmt.Sprintf("PR %d", p.Number),
		"head": ref(p.HeadRef, p.HeadSHA), "base": ref(p.BaseRef, ""), "user": userJSON(p.Owner),
		"html_url": fmt.Sprintf("https://github.com/%s/%s/pull/%d", p.Owner, p.Repo, p.Number)}
}

func (a *AppState) getPull(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	p := a.pulls[r.PathValue("owner")+"/"+r.PathValue("repo")+"/"+r.PathValue("number")]
	a.mu.Unlock()
	if p == nil {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, pullJSON(p))
}

func (a *AppState) pullsOfCommit(w http.ResponseWriter, r *http.Request) {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := []map[string]any{}
	for _, p := range a.pulls {
		if p.Owner == r.PathValue("owner") && p.Repo == r.PathValue("repo") && p.HeadSHA == r.PathValue("sha") {
			out = append(out, pullJSON(p))
		}
	}
	writeJSON(w, http.StatusOK, out)
}

func (a *AppState) compare(w http.ResponseWriter, r *http.Request) {
	base, head, ok := strings.Cut(r.PathValue("basehead"), "...")
	if !ok {
		notFound(w)
		return
	}
	a.mu.Lock()
	mb, ok := a.mergeBases[r.PathValue("owner")+"/"+r.PathValue("repo")+"/"+base+"/"+head]
	a.mu.Unlock()
	if !ok {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"status": "ahead", "ahead_by": 1, "behind_by": 0, "total_commits": 1,
		"merge_base_commit": map[string]any{"sha": mb}, "base_commit": map[string]any{"sha": mb}, "commits": []any{}, "files": []any{}})
}

func (a *AppState) getContents(w http.ResponseWriter, r *http.Request) {
	path := r.PathValue("path")
	a.mu.Lock()
	b, ok := a.files[r.PathValue("owner")+"/"+r.PathValue("repo")+"/"+path]
	a.mu.Unlock()
	if !ok {
		notFound(w)
		return
	}
	name := path[strings.LastIndex(path, "/")+1:]
	writeJSON(w, http.StatusOK, map[string]any{"type": "file", "encoding": "base64", "size": len(b), "name": name, "path": path,
		"content": base64.StdEncoding.EncodeToString(b), "sha": fmt.Sprintf("%040x", len(b)),
		"url": fmt.Sprintf("%s/api/v3/repos/%s/%s/contents/%s", a.s.URL, r.PathValue("owner"), r.PathValue("repo"), path)})
}

// getRepo answers for repositories that hold files (the organisation's `.github` defaults
// repository among them); others are 404.
func (a *AppState) getRepo(w http.ResponseWriter, r *http.Request) {
	prefix := r.PathValue("owner") + "/" + r.PathValue("repo") + "/"
	a.mu.Lock()
	found := false
	for k := range a.files {
		found = found || strings.HasPrefix(k, prefix)
	}
	a.mu.Unlock()
	if !found {
		notFound(w)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"id": 1, "name": r.PathValue("repo"), "full_name": r.PathValue("owner") + "/" + r.PathValue("repo"),
		"default_branch": "main", "private": false, "owner": userJSON(r.PathValue("owner"))})
}

// multiSegmentParams folds the slashes of a repository-contents file path into one segment for
// routing: GitHub's {path} parameter spans several segments, which the OpenAPI router cannot.
func multiSegmentParams(p string) string {
	parts := strings.SplitN(p, "/", 6) // "", repos, owner, repo, contents, path…
	if len(parts) == 6 && parts[1] == "repos" && parts[4] == "contents" {
		parts[5] = strings.ReplaceAll(parts[5], "/", "%2F")
	}
	return strings.Join(parts, "/")
}
