package ciprovider

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/ident"
)

// CircleTarget identifies a build from a status's target_url.
type CircleTarget struct {
	VCS      string     // "github" or "bitbucket"
	Project  ident.Repo // the project's owner and repository name
	BuildNum int
}

// ExternalID is the build's id in the store: build numbers are per project, so it names the
// project too ("github/owner/repo/123").
func (t CircleTarget) ExternalID() string {
	return fmt.Sprintf("%s/%s/%d", t.VCS, t.Project, t.BuildNum)
}

// ParseCircleExternalID reads an ExternalID back.
func ParseCircleExternalID(id string) (CircleTarget, bool) {
	parts := strings.Split(id, "/")
	if len(parts) != 4 || parts[0] == "" {
		return CircleTarget{}, false
	}
	t := CircleTarget{VCS: parts[0], Project: ident.Repo{Owner: parts[1], Name: parts[2]}}
	n, err := strconv.Atoi(parts[3])
	if err != nil || n <= 0 || t.Project.Validate() != nil {
		return CircleTarget{}, false
	}
	t.BuildNum = n
	return t, true
}

// CircleCloudHosts are the hosts circleci.com puts in status target URLs.
var CircleCloudHosts = []string{"circleci.com", "app.circleci.com"}

// CircleSite says which target URLs name CircleCI builds: circleci.com's, and a CircleCI Server
// install's when one is configured. Its zero value knows circleci.com only.
type CircleSite struct {
	// ServerAPI is the configured v1.1 API root (circleci.api_url); its host, port included, is
	// accepted beside circleci.com's. Empty or circleci.com's own: cloud only.
	ServerAPI string
}

// hosts lists the accepted target hosts, each as host or host:port.
func (s CircleSite) hosts() []string {
	hs := CircleCloudHosts
	if u, err := url.Parse(s.ServerAPI); err == nil && u.Host != "" {
		hs = append(append([]string(nil), hs...), strings.ToLower(u.Host))
	}
	return hs
}

// ErrForeignTarget says a status's target names a build of another project than the event's.
var ErrForeignTarget = errors.New("CircleCI target names another project")

// Parse reads a status target_url strictly. Two shapes are understood:
// https://HOST/gh/OWNER/REPO/NUM?… and
// https://HOST/pipelines/github/OWNER/REPO/PIPELINE/workflows/ID/jobs/NUM.
// The host (with its port) must be one of the site's; the path may not be percent-encoded, hold
// empty, "." or ".." segments, or characters GitHub does not allow in owner and repository names;
// the build number is plain decimal digits. Anything else is not a build link: the URL came from
// whoever could set a commit status, and the operator's CircleCI token will be used on it.
func (s CircleSite) Parse(target string) (CircleTarget, error) {
	bad := func(why string) (CircleTarget, error) {
		return CircleTarget{}, fmt.Errorf("CircleCI target URL %q: %s", clipURL(target), why)
	}
	u, err := url.Parse(target)
	if err != nil {
		return bad("not a URL")
	}
	if u.Scheme != "https" && u.Scheme != "http" {
		return bad("not an http(s) URL")
	}
	if u.User != nil || u.Opaque != "" {
		return bad("has user info or an opaque part")
	}
	if !hostIn(strings.ToLower(u.Host), s.hosts()) {
		return bad(fmt.Sprintf("host %q is not CircleCI's (circleci.com, or circleci.api_url's host)", u.Host))
	}
	if u.RawPath != "" || strings.ContainsAny(u.Path, "%\\;") {
		return bad("encoded or unusual characters in the path")
	}
	parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
	if n := len(parts); n > 0 && parts[n-1] == "" {
		parts = parts[:n-1] // one trailing slash
	}
	for _, p := range parts {
		if p == "" || p == "." || p == ".." {
			return bad("empty, . or .. path segment")
		}
	}
	vcs := map[string]string{"gh": "github", "github": "github", "bb": "bitbucket", "bitbucket": "bitbucket"}
	var t CircleTarget
	var num string
	switch {
	case len(parts) == 4 && vcs[parts[0]] != "":
		t, num = CircleTarget{VCS: vcs[parts[0]], Project: ident.Repo{Owner: parts[1], Name: parts[2]}}, parts[3]
	case len(parts) == 9 && parts[0] == "pipelines" && vcs[parts[1]] != "" && parts[5] == "workflows" && parts[7] == "jobs":
		t, num = CircleTarget{VCS: vcs[parts[1]], Project: ident.Repo{Owner: parts[2], Name: parts[3]}}, parts[8]
	default:
		return bad("not a build link")
	}
	if err := t.Project.Validate(); err != nil {
		return bad(err.Error())
	}
	if len(num) > 10 || strings.Trim(num, "0123456789") != "" {
		return bad("bad build number")
	}
	if t.BuildNum, err = strconv.Atoi(num); err != nil || t.BuildNum <= 0 {
		return bad("bad build number")
	}
	return t, nil
}

// ForRepo parses target and requires it to name a GitHub build of repo (compared as GitHub does,
// ignoring case): a status on one repository may not make totto read another
// project's build with the operator's token.
func (s CircleSite) ForRepo(target string, repo ident.Repo) (CircleTarget, error) {
	t, err := s.Parse(target)
	if err != nil {
		return t, err
	}
	if t.VCS != "github" || !t.Project.Is(repo) {
		return CircleTarget{}, fmt.Errorf("%w: %s/%s, not %s", ErrForeignTarget, t.VCS, t.Project, repo)
	}
	return t, nil
}

// CheckBuild verifies that a fetched build is the status's: the project CircleCI names (when it
// names one) is repo, and the build ran sha. A build of another commit would put foreign output
// in this commit's check run.
func (b *CircleBuild) CheckBuild(repo ident.Repo, sha string) error {
	if b.Username != "" && b.Reponame != "" && !(ident.Repo{Owner: b.Username, Name: b.Reponame}).Is(repo) {
		return fmt.Errorf("%w: the build belongs to %s/%s, not %s", ErrForeignTarget, b.Username, b.Reponame, repo)
	}
	if sha == "" || !strings.EqualFold(b.VCSRevision, sha) {
		return fmt.Errorf("%w: build #%d ran commit %q, not the status's %q", ErrForeignTarget, b.BuildNum, clipURL(b.VCSRevision), sha)
	}
	return nil
}

func hostIn(host string, list []string) bool {
	for _, h := range list {
		if host == h {
			return true
		}
	}
	return false
}

// clipURL bounds attacker-chosen text quoted in an error (and from there in a check run).
func clipURL(s string) string {
	if len(s) > 200 {
		return s[:200] + "…"
	}
	return s
}
