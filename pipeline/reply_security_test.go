package pipeline_test

import (
	"strings"
	"testing"
)

// outsideCode returns the markdown with its inline code spans removed: what GitHub renders live
// (mentions, issue references, autolinks).
func outsideCode(md string) string {
	var b strings.Builder
	for i := 0; i < len(md); {
		if md[i] != '`' {
			b.WriteByte(md[i])
			i++
			continue
		}
		n := 0
		for i+n < len(md) && md[i+n] == '`' {
			n++
		}
		fence := strings.Repeat("`", n)
		end := strings.Index(md[i+n:], fence)
		for end >= 0 && i+n+end+n < len(md) && md[i+n+end+n] == '`' { // a longer run is not the closer
			next := strings.Index(md[i+n+end+n:], fence)
			if next < 0 {
				end = -1
				break
			}
			end += n + next
		}
		if end < 0 {
			b.WriteString(md[i : i+n]) // an unclosed run is literal text
			i += n
			continue
		}
		i += n + end + n
	}
	return b.String()
}

// Replies to commands echo what the commenter wrote only inside inert code spans: no live
// mention, team mention, issue reference or link, and a backtick in a quoted job name cannot
// break out of its span.
func TestRepliesNeverAmplifyCommentText(t *testing.T) {
	e := newEnv(t, backends[0])
	e.pull()
	e.app.SetPermission(owner, repo, "writer", "write")
	e.start()
	bodies := []string{
		"/totto @acme/team",
		"/totto rescan @octocat #1 https://evil.example/phish",
		"/totto known-broken \"lint `@octocat` #2 https://evil.example/x\" broken by @someone",
		"/totto fixed `` @octocat` `` https://evil.example/y",
		"/totto fixed \"a b\" @octocat #3",
		"/totto known-broken \"unclosed @octocat #4 https://evil.example/z",
	}
	for i, b := range bodies {
		e.enqueue(command(int64(90+i), "writer", b))
	}
	e.drain()
	cs := e.app.Comments()
	if len(cs) != len(bodies) {
		t.Fatalf("want %d replies, got %d", len(bodies), len(cs))
	}
	for _, c := range cs {
		live := outsideCode(c.Body)
		for _, s := range []string{"@octocat", "@acme", "@someone", "#1", "#2", "#3", "#4", "evil.example", "https://"} {
			if strings.Contains(live, s) {
				t.Errorf("reply renders %q live:\n%s", s, c.Body)
			}
		}
	}
}
