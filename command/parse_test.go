package command

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/internal/testcorpus"
)

func TestParseLine(t *testing.T) {
	tests := []struct {
		name string
		line string
		want Command
	}{
		{"not a command", "hello", Command{}},
		{"empty", "", Command{}},
		{"other bot", "/tottobot rescan", Command{}},
		{"other bot with dash", "/totto-ci rescan", Command{}},
		{"prefix inside text", "please /totto rescan", Command{}},
		{"rescan", "/totto rescan", Command{Kind: Rescan}},
		{"rescan case-insensitive", "/TOTTO Rescan", Command{Kind: Rescan}},
		{"rescan trailing space", "/totto rescan   ", Command{Kind: Rescan}},
		{"tab separator", "/totto\trescan", Command{Kind: Rescan}},
		{"bare totto is help", "/totto", Command{Kind: Help, Help: HelpText}},
		{"help", "/totto help", Command{Kind: Help, Help: HelpText}},
		{"help with args", "/totto help me", invalid("help takes no arguments")},
		{"rescan with args", "/totto rescan now", invalid("rescan takes no arguments, got ` now `")},
		{"known-broken job only", "/totto known-broken lint", Command{Kind: KnownBroken, Job: "lint"}},
		{"known-broken with reason", "/totto known-broken lint broken by #123", Command{Kind: KnownBroken, Job: "lint", Reason: "broken by #123"}},
		{"known-broken glob", "/totto known-broken test-*  flaky infra ", Command{Kind: KnownBroken, Job: "test-*", Reason: "flaky infra"}},
		{"known-broken double-quoted", `/totto known-broken "build (ubuntu, 3.11)" see https://x.test/1`, Command{Kind: KnownBroken, Job: "build (ubuntu, 3.11)", Reason: "see https://x.test/1"}},
		{"known-broken single-quoted", `/totto known-broken 'build / test' r`, Command{Kind: KnownBroken, Job: "build / test", Reason: "r"}},
		{"known-broken backtick-quoted", "/totto known-broken `a b`", Command{Kind: KnownBroken, Job: "a b"}},
		{"known-broken escaped quote", `/totto known-broken "say \"hi\" \\ job"`, Command{Kind: KnownBroken, Job: `say "hi" \ job`}},
		{"known-broken missing job", "/totto known-broken", invalid("known-broken: missing JOB")},
		{"known-broken empty quoted job", `/totto known-broken "  "`, invalid("known-broken: JOB is empty")},
		{"known-broken unterminated quote", `/totto known-broken "build (ubuntu`, invalid("known-broken: JOB ` \"build (ubuntu ` has no closing ` \" `")},
		{"known-broken text glued to quote", `/totto known-broken "a"b`, invalid("known-broken: JOB ` \"a\"b `: expected a space after the closing ` \" `")},
		{"known-broken job too long", "/totto known-broken " + strings.Repeat("j", MaxJobBytes+1), invalid("known-broken: JOB is 257 bytes long; at most 256")},
		{"known-broken reason too long", "/totto known-broken lint " + strings.Repeat("r", MaxReasonBytes+1), invalid("known-broken: the reason is 1025 bytes long; at most 1024 are kept")},
		{"known-broken control char", "/totto known-broken \"a\x01b\"", invalid("known-broken: JOB ` a b ` contains control characters, bidirectional controls or invalid UTF-8")},
		{"known-broken at a commit", "/totto known-broken lint at 1a2b3c4 broke in #7", Command{Kind: KnownBroken, Job: "lint", Commit: "1a2b3c4", Reason: "broke in #7"}},
		{"known-broken AT a commit, no reason", `/totto known-broken "a b" AT 1a2b3c4`, Command{Kind: KnownBroken, Job: "a b", Commit: "1a2b3c4"}},
		{"known-broken reason mentioning at later", "/totto known-broken lint broken at 1a2b3c4", Command{Kind: KnownBroken, Job: "lint", Reason: "broken at 1a2b3c4"}},
		{"known-broken at without commit", "/totto known-broken lint at ", invalid("known-broken: ` at ` needs a commit SHA after it")},
		{"known-broken at a huge commit", "/totto known-broken lint at " + strings.Repeat("a", MaxCommitBytes+1), invalid("known-broken: the commit after ` at ` is 65 bytes long; a SHA has at most 64 hex digits")},
		{"fixed at a commit", "/totto fixed lint at 1A2B3C4", Command{Kind: Fixed, Job: "lint", Commit: "1A2B3C4"}},
		{"fixed at without commit", "/totto fixed lint at", invalid("fixed: ` at ` needs a commit SHA after it")},
		{"fixed at a commit and more", "/totto fixed lint at 1a2b3c4 now", invalid("fixed takes one JOB and an optional ` at COMMIT `, got more after ` lint `; quote a job name with spaces")},
		{"fixed", "/totto fixed lint", Command{Kind: Fixed, Job: "lint"}},
		{"fixed quoted", `/totto fixed "build (ubuntu, 3.11)"`, Command{Kind: Fixed, Job: "build (ubuntu, 3.11)"}},
		{"fixed missing job", "/totto fixed ", invalid("fixed: missing JOB")},
		{"fixed unquoted spaces", "/totto fixed build ubuntu", invalid("fixed takes one JOB and an optional ` at COMMIT `, got more after ` build `; quote a job name with spaces")},
		{"unknown", "/totto deploy prod", invalid("unknown command ` deploy `")},
		{"unknown long", "/totto " + strings.Repeat("x", 100), invalid("unknown command ` " + strings.Repeat("x", 40) + "… `")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseLine(tt.line)
			if got != tt.want {
				t.Errorf("ParseLine(%q)\n got %#v\nwant %#v", tt.line, got, tt.want)
			}
		})
	}
}

func TestParseComment(t *testing.T) {
	type kj struct {
		Kind Kind
		Job  string
		Line int
	}
	tests := []struct {
		name string
		body string
		want []kj
	}{
		{"empty", "", nil},
		{"plain text", "LGTM, thanks!", nil},
		{"one command", "/totto rescan", []kj{{Rescan, "", 1}}},
		{"crlf", "hi\r\n/totto fixed lint\r\n", []kj{{Fixed, "lint", 2}}},
		{"up to three spaces indent", "   /totto rescan", []kj{{Rescan, "", 1}}},
		{"four spaces is code", "    /totto rescan", nil},
		{"tab is code", "\t/totto rescan", nil},
		{"several commands in order", "/totto known-broken lint\ntext\n/totto known-broken docs x\n/totto rescan",
			[]kj{{KnownBroken, "lint", 1}, {KnownBroken, "docs", 3}, {Rescan, "", 4}}},
		{"backtick fence", "```\n/totto rescan\n```\n/totto fixed a", []kj{{Fixed, "a", 4}}},
		{"fence with info", "```sh\n/totto rescan\n```", nil},
		{"tilde fence", "~~~\n/totto rescan\n~~~\n", nil},
		{"tilde fence not closed by backticks", "~~~\n```\n/totto rescan\n~~~\n/totto help", []kj{{Help, "", 5}}},
		{"longer fence needs longer close", "````\n```\n/totto rescan\n````\n/totto rescan", []kj{{Rescan, "", 5}}},
		{"unclosed fence swallows the rest", "```\n/totto rescan", nil},
		{"indented fence", "  ```\n/totto rescan\n  ```\n/totto help", []kj{{Help, "", 4}}},
		{"inline triple backticks are not a fence", "```x```\n/totto rescan", []kj{{Rescan, "", 2}}},
		{"quote", "> /totto rescan\n", nil},
		{"nested quote", ">> /totto rescan", nil},
		{"indented quote", "  > /totto fixed a", nil},
		{"html comment one line", "<!-- /totto rescan -->", nil},
		{"html comment block", "<!--\n/totto rescan\n-->\n/totto help", []kj{{Help, "", 4}}},
		{"list item is not a command", "- /totto rescan", nil},
		{"invalid is reported", "/totto nope", []kj{{Invalid, "", 1}}},
		{"at most MaxCommands", strings.Repeat("/totto rescan\n", MaxCommands+5), func() []kj {
			var w []kj
			for i := 1; i <= MaxCommands; i++ {
				w = append(w, kj{Rescan, "", i})
			}
			return w
		}()},
		{"beyond the line limit", strings.Repeat("x\n", MaxCommentLines) + "/totto rescan", nil},
		{"at the line limit", strings.Repeat("x\n", MaxCommentLines-1) + "/totto rescan", []kj{{Rescan, "", MaxCommentLines}}},
		{"line cut by the byte limit is dropped", strings.Repeat("x", MaxCommentBytes-len("/totto known-broken lin")) + "\n/totto known-broken linting", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []kj
			for _, c := range Parse(tt.body) {
				got = append(got, kj{c.Kind, c.Job, c.Line})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d commands %v, want %d %v", len(got), got, len(tt.want), tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("command %d: got %+v, want %+v", i, got[i], tt.want[i])
				}
			}
		})
	}
}

func TestParseCommentInvalidCarriesHelp(t *testing.T) {
	cs := Parse("/totto known-broken")
	if len(cs) != 1 {
		t.Fatalf("got %d commands, want 1", len(cs))
	}
	c := cs[0]
	if c.Kind != Invalid || c.Message == "" || c.Help != HelpText {
		t.Errorf("got %+v, want an invalid command with a message and the help text", c)
	}
	if !strings.Contains(c.Help, "/totto known-broken JOB") {
		t.Errorf("help text does not explain known-broken: %q", c.Help)
	}
}

func TestCommandKindString(t *testing.T) {
	want := map[Kind]string{None: "none", KnownBroken: "known-broken", Fixed: "fixed",
		Rescan: "rescan", Help: "help", Invalid: "invalid", Kind(99): "unknown"}
	for k, s := range want {
		if k.String() != s {
			t.Errorf("%d.String() = %q, want %q", k, k.String(), s)
		}
	}
}

func FuzzParseComment(f *testing.F) {
	for _, s := range []string{"", "/totto rescan", "```\n/totto help\n```", "/totto known-broken \"a b\" why",
		"/totto fixed 'x", "<!--\n/totto rescan", "> /totto fixed a\n/totto known-broken `x` y", "\t/totto\r\n/TOTTO \u00a0help"} {
		f.Add(s)
	}
	// Real comment bodies from the corpus' webhook deliveries.
	if root := testcorpus.Dir(); root != "" {
		files, _ := filepath.Glob(filepath.Join(root, "webhooks", "octokit", "*comment*.json"))
		for _, file := range files {
			var ev struct{ Comment struct{ Body string } }
			if data, err := os.ReadFile(file); err == nil && json.Unmarshal(data, &ev) == nil && ev.Comment.Body != "" {
				f.Add(ev.Comment.Body)
			}
		}
	}
	f.Fuzz(func(t *testing.T, body string) {
		cs := Parse(body)
		if len(cs) > MaxCommands {
			t.Fatalf("%d commands, more than MaxCommands", len(cs))
		}
		last := 0
		for _, c := range cs {
			if c.Line <= last || c.Line > MaxCommentLines {
				t.Fatalf("line %d after %d", c.Line, last)
			}
			last = c.Line
			switch c.Kind {
			case KnownBroken, Fixed:
				if c.Job == "" || len(c.Job) > MaxJobBytes || strings.ContainsAny(c.Job, "\n\r") {
					t.Fatalf("bad job %q in %+v", c.Job, c)
				}
				if len(c.Reason) > MaxReasonBytes {
					t.Fatalf("reason of %d bytes", len(c.Reason))
				}
			case Invalid:
				if c.Message == "" || c.Help == "" {
					t.Fatalf("invalid command without message or help: %+v", c)
				}
			case Rescan, Help:
			default:
				t.Fatalf("unexpected kind %v", c.Kind)
			}
		}
	})
}

func BenchmarkParseComment100kLines(b *testing.B) {
	body := strings.Repeat("some ordinary comment text that goes on for a while\n", 100_000) + "/totto rescan\n"
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		Parse(body)
	}
}
