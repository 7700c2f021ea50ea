package pipeline

import (
	"context"
	"errors"
	"fmt"
	"github.com/totto-ci/totto/access"
	"github.com/totto-ci/totto/ident"
	"strings"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/riverqueue/river"
	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/command"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// commandWorker carries out /totto slash commands: it acknowledges the comment, checks the
// author's permission, changes annotations, replies with what was done and re-triages.
type commandWorker struct {
	river.WorkerDefaults[CommandArgs]
	p *pipeline
}

// Work implements river.Worker.
func (w *commandWorker) Work(ctx context.Context, job *river.Job[CommandArgs]) error {
	a := job.Args
	l := zerolog.Ctx(ctx).With().Str("repo", a.Repo).Int64("comment", a.CommentID).Str("author", a.Author).Logger()
	ctx = l.WithContext(ctx)
	return jobResult(ctx, w.p.command(ctx, a, job.CreatedAt))
}

// Reactions totto leaves on a command comment.
const (
	reactSeen    = "eyes"
	reactDone    = "+1"
	reactConfuse = "confused"
)

// commandSite is where a command was written: the comment to react to and reply on, and the
// commit it is about.
type commandSite struct {
	gh     *github.Client
	repo   ident.Repo
	a      CommandArgs
	sha    string
	queued time.Time
	perm   *string // the author's permission, asked once per comment
}

// command carries out a comment's commands; queued is when the command job was created, the lower
// bound of where its reply can be in the thread.
func (p *pipeline) command(ctx context.Context, a CommandArgs, queued time.Time) error {
	cmds := command.Parse(a.Body)
	if len(cmds) == 0 {
		return nil
	}
	gr, err := ident.ParseRepo(a.Repo)
	if err != nil {
		return river.JobCancel(err)
	}
	gh, err := p.GitHub.NewInstallationClient(a.InstallationID)
	if err != nil {
		return fmt.Errorf("GitHub client for installation %d: %w", a.InstallationID, err)
	}
	s := &commandSite{gh: gh, repo: gr, a: a, sha: a.CommitSHA, queued: queued}
	if err := s.react(ctx, reactSeen); err != nil {
		return err
	}
	if s.sha == "" {
		pr, _, err := gh.PullRequests.Get(ctx, gr.Owner, gr.Name, a.IssueNumber)
		if err != nil {
			var ge *github.ErrorResponse
			if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == 404 {
				return s.finish(ctx, false, "totto commands work on pull requests and commits; this is an issue.")
			}
			return fmt.Errorf("pull request #%d of %s: %w", a.IssueNumber, a.Repo, err)
		}
		s.sha = pr.GetHead().GetSHA()
	}
	repo, err := p.repository(ctx, a.Repo, a.InstallationID)
	if err != nil {
		return err
	}
	var replies []string
	ok := true
	var globs []string
	retriage := false
	for _, c := range cmds {
		switch c.Kind {
		case command.Help:
			replies = append(replies, c.Help)
			continue
		case command.Invalid:
			ok = false
			replies = append(replies, c.Message+"\n\n"+c.Help)
			continue
		}
		action := commandAction(c.Kind)
		allowed, err := s.may(ctx, action, repo)
		if err != nil {
			return err
		}
		if !allowed {
			ok = false
			replies = append(replies, fmt.Sprintf("Sorry @%s, %s needs %s; nothing was changed.", a.Author, triage.InertCode("/totto "+c.Kind.String()), access.Rules[action]))
			continue
		}
		at, refused, err := p.commandCommit(ctx, repo, s.sha, c)
		if err != nil {
			return err
		}
		if refused != "" {
			ok = false
			replies = append(replies, refused)
			continue
		}
		msg, changed, err := p.apply(ctx, repo, at, a.Author, c)
		if err != nil {
			return err
		}
		replies = append(replies, msg)
		retriage = true
		if changed {
			globs = append(globs, c.Job)
		}
	}
	if retriage {
		if err := p.retriageAfter(ctx, a.InstallationID, repo, s.sha, globs); err != nil {
			return err
		}
	}
	return s.finish(ctx, ok, strings.Join(replies, "\n\n"))
}

// commandCommit is the commit a command acts on: the one it was written on, or its "at COMMIT"
// resolved to one known commit of the repository. A COMMIT that names no single commit is refused
// with a reply saying why, so a short SHA never opens a range that covers nothing.
func (p *pipeline) commandCommit(ctx context.Context, repo store.Repository, site string, c command.Command) (sha, refused string, err error) {
	if c.Commit == "" {
		return site, "", nil
	}
	sha, err = store.ResolveCommit(ctx, p.Store, repo.ID, c.Commit)
	var ce *store.CommitRefError
	if errors.As(err, &ce) {
		return "", fmt.Sprintf("%s %s: commit %s is %s; nothing was changed.", triage.InertCode("/totto "+c.Kind.String()), triage.InertCode(c.Job), triage.InertCode(ce.Ref), ce.Reason), nil
	}
	return sha, "", err
}

// apply carries out one permitted command; it is idempotent, so a retried job does not open a
// second annotation.
func (p *pipeline) apply(ctx context.Context, repo store.Repository, sha, actor string, c command.Command) (string, bool, error) {
	switch c.Kind {
	case command.KnownBroken:
		open, err := p.Store.Annotations(ctx, repo.ID, true)
		if err != nil {
			return "", false, fmt.Errorf("annotations of %s: %w", repo.FullName, err)
		}
		for _, x := range open {
			if x.JobGlob == c.Job {
				return fmt.Sprintf("%s is already marked known-broken since %s.", triage.InertCode(c.Job), short(x.FromSHA)), x.FromSHA == sha, nil
			}
		}
		if _, err := p.Store.OpenAnnotation(ctx, store.Annotation{RepoID: repo.ID, JobGlob: c.Job, FromSHA: sha, Reason: c.Reason, CreatedBy: actor}); err != nil {
			return "", false, fmt.Errorf("opening known-broken annotation %q: %w", c.Job, err)
		}
		return fmt.Sprintf("Marked %s known-broken from %s on; its failures no longer count against pull requests until %s.", triage.InertCode(c.Job), short(sha), triage.InertCode("/totto fixed "+quoteJob(c.Job))), true, nil
	case command.Fixed:
		n, err := p.Store.CloseAnnotation(ctx, repo.ID, c.Job, sha, actor)
		if err != nil {
			return "", false, fmt.Errorf("closing known-broken annotation %q: %w", c.Job, err)
		}
		if n == 0 {
			all, err := p.Store.Annotations(ctx, repo.ID, false)
			if err != nil {
				return "", false, fmt.Errorf("annotations of %s: %w", repo.FullName, err)
			}
			for _, x := range all {
				if x.JobGlob == c.Job && x.ToSHA != nil && *x.ToSHA == sha {
					return fmt.Sprintf("Marked %s fixed at %s.", triage.InertCode(c.Job), short(sha)), true, nil
				}
			}
			return fmt.Sprintf("%s was not marked known-broken; nothing to fix.", triage.InertCode(c.Job)), false, nil
		}
		return fmt.Sprintf("Marked %s fixed at %s.", triage.InertCode(c.Job), short(sha)), true, nil
	case command.Rescan:
		return fmt.Sprintf("Classifying the failures of %s again.", short(sha)), false, nil
	}
	return fmt.Sprintf("totto does not know the command %s.", triage.InertCode(c.Kind.String())), false, nil
}

// retriageAfter queues the triage of the command's commit and, when annotations changed, of the
// repository's recent commits with a check run that have a job the changed globs match. The
// recent commits are bounded by Deps.RetriageCommits (most recently written check runs first);
// older check runs keep their verdict until their commit gets another event.
func (p *pipeline) retriageAfter(ctx context.Context, installationID int64, repo store.Repository, sha string, globs []string) error {
	shas := []string{sha}
	if len(globs) > 0 {
		runs, err := p.Store.RecentCheckRuns(ctx, repo.ID, p.RetriageCommits)
		if err != nil {
			return err
		}
		for _, r := range runs {
			if r.SHA == sha {
				continue
			}
			jobs, err := p.Store.CommitJobs(ctx, repo.ID, r.SHA)
			if err != nil {
				return err
			}
			if anyJobMatches(jobs, globs) {
				shas = append(shas, r.SHA)
			}
		}
	}
	for _, s := range shas {
		if err := p.enqueueTriage(ctx, installationID, repo.FullName, s); err != nil {
			return err
		}
	}
	return nil
}

// commandAction is the permission-table action a command takes.
func commandAction(k command.Kind) access.Action {
	switch k {
	case command.KnownBroken, command.Fixed:
		return access.ChangeAnnotation
	}
	return access.RunCommand
}

// may decides through the permission table whether the comment's author may take action on the
// repository, asking GitHub with the installation's token.
func (s *commandSite) may(ctx context.Context, a access.Action, repo store.Repository) (bool, error) {
	ok, err := access.Allowed(ctx, s, s.a.Author, a, access.Target{Owner: repo.Owner(), Repo: repo.FullName, Private: repo.Private})
	if err != nil {
		return false, fmt.Errorf("permission of %s on %s: %w", s.a.Author, s.a.Repo, err)
	}
	return ok, nil
}

// permission is the author's permission on the repository: "write" (write, maintain or admin),
// "read", or "" when not a collaborator.
func (s *commandSite) permission(ctx context.Context) (string, error) {
	if s.perm != nil {
		return *s.perm, nil
	}
	lvl, _, err := s.gh.Repositories.GetPermissionLevel(ctx, s.repo.Owner, s.repo.Name, s.a.Author)
	if err != nil {
		var ge *github.ErrorResponse
		if errors.As(err, &ge) && ge.Response != nil && ge.Response.StatusCode == 404 {
			none := ""
			s.perm = &none
			return none, nil
		}
		return "", err
	}
	p := "read" // a collaborator can read
	for _, x := range []string{lvl.GetRoleName(), lvl.GetPermission()} {
		if x == "admin" || x == "maintain" || x == "write" {
			p = "write"
		}
	}
	s.perm = &p
	return p, nil
}

// CanWrite implements access.Checker: write access or more (admin, maintain, write); a user who
// is not a collaborator at all may not.
func (s *commandSite) CanWrite(ctx context.Context, _, _ string) (bool, error) {
	p, err := s.permission(ctx)
	return p == "write", err
}

// CanRead implements access.Checker: any permission on the repository.
func (s *commandSite) CanRead(ctx context.Context, _, _ string) (bool, error) {
	p, err := s.permission(ctx)
	return p != "", err
}

// IsOrgAdmin implements access.Checker from the organisation membership (needs the App's
// Members: read permission; without it GitHub answers 403, read as no).
func (s *commandSite) IsOrgAdmin(ctx context.Context, login, owner string) (bool, error) {
	m, _, err := s.gh.Organizations.GetOrgMembership(ctx, login, owner)
	if err != nil {
		var ge *github.ErrorResponse
		if errors.As(err, &ge) && ge.Response != nil && (ge.Response.StatusCode == 404 || ge.Response.StatusCode == 403) {
			return false, nil
		}
		return false, err
	}
	return m.GetState() == "active" && m.GetRole() == "admin", nil
}

func (s *commandSite) react(ctx context.Context, content string) error {
	var err error
	if s.a.CommitComment {
		_, _, err = s.gh.Reactions.CreateCommentReaction(ctx, s.repo.Owner, s.repo.Name, s.a.CommentID, content)
	} else {
		_, _, err = s.gh.Reactions.CreateIssueCommentReaction(ctx, s.repo.Owner, s.repo.Name, s.a.CommentID, content)
	}
	if err != nil {
		return fmt.Errorf("reacting %s to comment %d on %s: %w", content, s.a.CommentID, s.a.Repo, err)
	}
	return nil
}

// replyMarker tags totto's reply to one command comment, invisibly, so that a retried command job
// finds the reply it already posted instead of posting a second one.
func replyMarker(commentID int64) string { return fmt.Sprintf("<!-- totto-reply-to:%d -->", commentID) }

// replied reports whether the thread already holds totto's reply to this comment (the job died or
// lost GitHub's answer after posting it). It reads the thread's newest comments only.
func (s *commandSite) replied(ctx context.Context) (bool, error) {
	marker := replyMarker(s.a.CommentID)
	var bodies []string
	if s.a.CommitComment {
		cs, _, err := s.gh.Repositories.ListCommitComments(ctx, s.repo.Owner, s.repo.Name, s.sha, &github.ListOptions{PerPage: 100})
		if err != nil {
			return false, fmt.Errorf("listing comments of %s on %s: %w", s.sha, s.a.Repo, err)
		}
		for _, c := range cs {
			bodies = append(bodies, c.GetBody())
		}
	} else {
		opts := &github.IssueListCommentsOptions{ListOptions: github.ListOptions{PerPage: 100}}
		if !s.queued.IsZero() {
			opts.Since = github.Ptr(s.queued.Add(-time.Minute))
		}
		cs, _, err := s.gh.Issues.ListComments(ctx, s.repo.Owner, s.repo.Name, s.a.IssueNumber, opts)
		if err != nil {
			return false, fmt.Errorf("listing comments of #%d on %s: %w", s.a.IssueNumber, s.a.Repo, err)
		}
		for _, c := range cs {
			bodies = append(bodies, c.GetBody())
		}
	}
	for _, b := range bodies {
		if strings.Contains(b, marker) {
			return true, nil
		}
	}
	return false, nil
}

// finish replies on the comment's thread (once, even when the job is retried after posting) and
// leaves the final reaction.
func (s *commandSite) finish(ctx context.Context, ok bool, reply string) error {
	done, err := s.replied(ctx)
	if err != nil {
		return err
	}
	if done {
		return s.react(ctx, map[bool]string{true: reactDone, false: reactConfuse}[ok])
	}
	reply += "\n\n" + replyMarker(s.a.CommentID)
	if s.a.CommitComment {
		_, _, err = s.gh.Repositories.CreateComment(ctx, s.repo.Owner, s.repo.Name, s.sha, &github.RepositoryComment{Body: github.Ptr(reply)})
	} else {
		_, _, err = s.gh.Issues.CreateComment(ctx, s.repo.Owner, s.repo.Name, s.a.IssueNumber, &github.IssueComment{Body: github.Ptr(reply)})
	}
	if err != nil {
		return fmt.Errorf("replying to comment %d on %s: %w", s.a.CommentID, s.a.Repo, err)
	}
	r := reactDone
	if !ok {
		r = reactConfuse
	}
	return s.react(ctx, r)
}

func short(sha string) string {
	if len(sha) > 7 {
		return "`" + sha[:7] + "`"
	}
	return "`" + sha + "`"
}

// anyJobMatches reports whether a failed job's name matches one of the globs, with the glob rules
// annotations use (triage.MatchJobGlob).
func anyJobMatches(jobs []store.Job, globs []string) bool {
	for _, j := range jobs {
		if !triage.Conclusion(j.Conclusion).Failed() {
			continue
		}
		for _, g := range globs {
			if triage.MatchJobGlob(g, j.Name) {
				return true
			}
		}
	}
	return false
}

// quoteJob writes a job glob as the JOB argument of a command: in double quotes when it holds
// spaces or starts with a quote, so the suggested command can be pasted back as is.
func quoteJob(job string) string {
	if !strings.ContainsAny(job, " \t\"'`") {
		return job
	}
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(job) + `"`
}
