package triage

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCodeSpan(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain", "` plain `"},
		{"a `b` c", "`` a `b` c ``"},
		{"``x```", "```` ``x``` ````"},
		{"`", "`` ` ``"},
		{"", "—"},
		{"   ", "—"},
		{"line\nbreak\r\x00", "` line break   `"},
		{"<script>alert(1)</script>", "` <script>alert(1)</script> `"},
	}
	for _, tt := range tests {
		if got := codeSpan(tt.in); got != tt.want {
			t.Errorf("codeSpan(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"build", "build"},
		{"<script>alert(1)</script>", `\<script\>alert\(1\)\<\/script\>`},
		{"[x](javascript:alert(1))", `\[x\]\(javascript\:alert\(1\)\)`},
		{"![img](http://x)", `\!\[img\]\(http\:\/\/x\)`},
		{"*em* _u_ ~s~", `\*em\* \_u\_ \~s\~`},
		{"a|b", `a\|b`},
		{"`code`", "\\`code\\`"},
		{"&amp;", `\&amp\;`},
		{"@octocat", `\@` + zwj + "octocat"},
		{"fixes #123 and o/r#9", `fixes \#` + zwj + `123 and o\/r\#` + zwj + "9"},
		{"# heading", `\# heading`},
		{"GH-12", `GH\-` + zwj + "12"},
		{"two\nlines", "two lines"},
	}
	for _, tt := range tests {
		if got := text(tt.in); got != tt.want {
			t.Errorf("text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestHTML(t *testing.T) {
	tests := []struct{ in, want string }{
		{"build (ubuntu)", "build &#40;ubuntu&#41;"},
		{"[x](javascript:y) `c` a|b *e* _u_", "&#91;x&#93;&#40;javascript:y&#41; &#96;c&#96; a&#124;b &#42;e&#42; &#95;u&#95;"},
		{"</summary><script>x</script>", "&lt;/summary&gt;&lt;script&gt;x&lt;/script&gt;"},
		{`"a" & 'b'`, "&quot;a&quot; &amp; &#39;b&#39;"},
		{"@team #1", "@" + zwj + "team #" + zwj + "1"},
	}
	for _, tt := range tests {
		if got := html(tt.in); got != tt.want {
			t.Errorf("html(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestSafeURL(t *testing.T) {
	tests := []struct {
		in, want string
		ok       bool
	}{
		{"https://github.com/o/r/actions/runs/1/job/2", "https://github.com/o/r/actions/runs/1/job/2", true},
		{"http://ci.test/a?b=c#d", "http://ci.test/a?b=c#d", true},
		{"javascript:alert(1)", "", false},
		{"JAVASCRIPT://x", "", false},
		{"data:text/html,x", "", false},
		{"/relative", "", false},
		{"https://x.test/a)(b<c>", "https://x.test/a%29%28b%3Cc%3E", true},
		{"", "", false},
	}
	for _, tt := range tests {
		got, ok := safeURL(tt.in)
		if got != tt.want || ok != tt.ok {
			t.Errorf("safeURL(%q) = %q, %v; want %q, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestTextWithLinks(t *testing.T) {
	got := textWithLinks("See https://github.com/o/r/issues/7, by @me.")
	want := `See [https\:\/\/github\.com\/o\/r\/issues\/7](https://github.com/o/r/issues/7)\, by \@` + zwj + `me\.`
	if got != want {
		t.Errorf("got  %q\nwant %q", got, want)
	}
	if got := textWithLinks("javascript:alert(1)"); strings.Contains(got, "](") {
		t.Errorf("non-http link rendered: %q", got)
	}
}

func TestCodeBlockFence(t *testing.T) {
	got := codeBlock([]string{"a", "````", "x ``` y"})
	if !strings.HasPrefix(got, "`````text\n") || !strings.HasSuffix(got, "\n`````\n") {
		t.Errorf("fence not longer than every backtick run:\n%s", got)
	}
}

func TestClip(t *testing.T) {
	tests := []struct {
		in   string
		n    int
		want string
	}{
		{"abc", 3, "abc"},
		{"abcd", 3, "ab…"},
		{"ééééé", 3, "éé…"},
	}
	for _, tt := range tests {
		if got := clip(tt.in, tt.n); got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.n, got, tt.want)
		}
	}
	for _, n := range []int{0, 1, 2, 3, 5, 10} {
		if got := clipBytes("aéé…xyz", n); len(got) > n || !utf8.ValidString(got) {
			t.Errorf("clipBytes(_, %d) = %q: over the limit or cut inside a character", n, got)
		}
	}
}
