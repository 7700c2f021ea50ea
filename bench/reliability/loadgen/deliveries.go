package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// shapes are real deliveries from the corpus that every generated delivery is a variation of.
type shapes struct {
	checkRun, status, comment map[string]any
}

// delivery is one webhook to send, with the CI job the fake must know before it arrives.
type delivery struct {
	ID    string `json:"id"`
	Event string `json:"event"`
	Body  []byte `json:"-"`
	Job   *Job   `json:"-"`
}

// Job mirrors fakegh's registration body.
type Job struct {
	Repo       string `json:"repo"`
	ID         int64  `json:"id,omitempty"`
	BuildNum   int    `json:"build_num,omitempty"`
	SHA        string `json:"sha"`
	Name       string `json:"name"`
	Conclusion string `json:"conclusion"`
}

// Commit is a commit the run expects to end with one check run: FailedJobs failures on it.
type Commit struct {
	Repo       string `json:"repo"`
	SHA        string `json:"sha"`
	FailedJobs int    `json:"failed_jobs"`
}

// Expect is what the run sent, for the verifier.
type Expect struct {
	Commits  []Commit `json:"commits"`
	Commands int      `json:"commands"`
}

func loadShapes(corpus string) (shapes, error) {
	var s shapes
	var err error
	if s.checkRun, err = readDelivery(corpus, "real", "gitauto", "check_run", "completed.json"); err != nil {
		return s, err
	}
	if s.status, err = readDelivery(corpus, "real", "circleci-status", "status.failure.json"); err != nil {
		return s, err
	}
	if s.comment, err = readDelivery(corpus, "real", "pytorch-torchci", "issue_comment.json"); err != nil {
		return s, err
	}
	return s, nil
}

// readDelivery reads a corpus webhook, unwrapping the {name, id, payload} envelope some captures use.
func readDelivery(corpus string, elems ...string) (map[string]any, error) {
	p := filepath.Join(append([]string{corpus, "webhooks"}, elems...)...)
	data, err := os.ReadFile(p)
	if err != nil {
		return nil, fmt.Errorf("webhook shape: %w", err)
	}
	var env struct {
		Name    string          `json:"name"`
		Payload json.RawMessage `json:"payload"`
	}
	if json.Unmarshal(data, &env) == nil && env.Name != "" && len(env.Payload) > 0 {
		data = env.Payload
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		return nil, fmt.Errorf("webhook shape %s: %w", p, err)
	}
	return m, nil
}

// clone deep-copies a decoded delivery so variations never share maps.
func clone(m map[string]any) map[string]any {
	b, _ := json.Marshal(m)
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

func obj(m map[string]any, key string) map[string]any {
	o, ok := m[key].(map[string]any)
	if !ok {
		o = map[string]any{}
		m[key] = o
	}
	return o
}

// setRepo points a delivery at repo owner/name under installation 1. The repository is public in
// every delivery: the corpus shapes come from repositories of both visibilities, and a repository
// reported public and private in turn would be recorded again at every flip (an upsert per
// delivery no real repository causes).
func setRepo(m map[string]any, owner, name string) {
	r := obj(m, "repository")
	r["full_name"], r["name"], r["private"] = owner+"/"+name, name, false
	obj(r, "owner")["login"] = owner
	m["installation"] = map[string]any{"id": 1, "node_id": "MDIzOkludGVncmF0aW9uSW5zdGFsbGF0aW9uMQ=="}
}

// generator makes unique deliveries: each commit gets two failed and one successful GitHub
// Actions job and one failed CircleCI build; every tenth commit also gets a /totto help comment.
type generator struct {
	s      shapes
	run    string // distinguishes runs so delivery ids and SHAs never repeat across runs
	repos  int
	commit int
	nextID int64
	expect Expect
}

func (g *generator) commitDeliveries() ([]delivery, error) {
	g.commit++
	owner, name := "loadgen", fmt.Sprintf("repo-%d", g.commit%g.repos)
	full := owner + "/" + name
	sha := fmt.Sprintf("%016x%016x%08x", hash(g.run), uint64(g.commit)*0x9e3779b97f4a7c15, g.commit)
	var out []delivery
	add := func(event string, m map[string]any, j *Job) error {
		body, err := json.Marshal(m)
		if err != nil {
			return fmt.Errorf("encode %s delivery: %w", event, err)
		}
		out = append(out, delivery{ID: fmt.Sprintf("%s-%d-%d", g.run, g.commit, len(out)), Event: event, Body: body, Job: j})
		return nil
	}
	for i, conclusion := range []string{"failure", "failure", "success"} {
		g.nextID++
		id := 40_000_000_000 + g.nextID
		j := &Job{Repo: full, ID: id, SHA: sha, Name: fmt.Sprintf("test (%d)", i), Conclusion: conclusion}
		m := clone(g.s.checkRun)
		setRepo(m, owner, name)
		cr := obj(m, "check_run")
		cr["id"], cr["head_sha"], cr["name"], cr["conclusion"] = id, sha, j.Name, conclusion
		cr["details_url"] = fmt.Sprintf("https://github.com/%s/actions/runs/%d/job/%d", full, id/10, id)
		obj(cr, "check_suite")["head_branch"] = "feature"
		if err := add("check_run", m, j); err != nil {
			return nil, err
		}
	}
	build := g.commit
	m := clone(g.s.status)
	setRepo(m, owner, name)
	m["sha"], m["name"], m["state"], m["context"] = sha, full, "failure", "ci/circleci: build"
	m["id"] = 7_000_000_000 + g.commit
	m["target_url"] = fmt.Sprintf("https://circleci.com/gh/%s/%d?utm_source=github-build-link", full, build)
	if err := add("status", m, &Job{Repo: full, BuildNum: build, SHA: sha, Name: "build", Conclusion: "failure"}); err != nil {
		return nil, err
	}
	g.expect.Commits = append(g.expect.Commits, Commit{Repo: full, SHA: sha, FailedJobs: 3})
	if g.commit%10 == 0 {
		m := clone(g.s.comment)
		setRepo(m, owner, name)
		c := obj(m, "comment")
		c["id"], c["body"] = 9_000_000_000+g.commit, "/totto help"
		obj(m, "issue")["number"] = g.commit
		if err := add("issue_comment", m, nil); err != nil {
			return nil, err
		}
		g.expect.Commands++
	}
	return out, nil
}

func hash(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint64(s[i])) * 1099511628211
	}
	return h
}
