package patterns

import (
	"path"
	"strings"
	"testing"
)

func TestAppliesToJobAndStep(t *testing.T) {
	tests := []struct {
		globs []string
		name  string
		want  bool
	}{
		{nil, "anything", true},
		{[]string{}, "", true},
		{[]string{"*"}, "CI / build (ubuntu-latest, 3.11)", true},
		{[]string{"lint*"}, "lint / ruff", true}, // '*' crosses '/'
		{[]string{"ci/circleci: *"}, "ci/circleci: test", true},
		{[]string{"Test"}, "test", false}, // case-sensitive
		{[]string{"Test"}, "Test suite", false},
		{[]string{"Test*"}, "Test suite", true},
		{[]string{"build", "test-?"}, "test-1", true},
		{[]string{"test-?"}, "test-10", false},
		{[]string{"test-?"}, "test-é", true}, // '?' is one character, not one byte
		{[]string{"[a-c]x"}, "bx", true},
		{[]string{"[^a-c]x"}, "bx", false},
		{[]string{"[^a-c]x"}, "/x", true},
		{[]string{`\*`}, "*", true},
		{[]string{`\*`}, "a", false},
		{[]string{"*a*b*"}, "xxaxxbxx", true},
		{[]string{"*a*b"}, "xxaxxbxx", false},
		{[]string{"a*"}, "", false},
		{[]string{"[a-"}, "a", false}, // malformed: matches nothing
	}
	for _, tc := range tests {
		p := Pattern{Jobs: tc.globs, Steps: tc.globs}
		if got := p.AppliesToJob(tc.name); got != tc.want {
			t.Errorf("AppliesToJob(%q) with %q = %v, want %v", tc.name, tc.globs, got, tc.want)
		}
		if got := p.AppliesToStep(tc.name); got != tc.want {
			t.Errorf("AppliesToStep(%q) with %q = %v, want %v", tc.name, tc.globs, got, tc.want)
		}
	}
}

func TestCheckGlob(t *testing.T) {
	tests := map[string]string{
		"*": "", "build-*": "", "[a-z]?": "", `\[literal\]`: "", "[^/]": "",
		"":     "empty glob",
		"a/**": "`**` is not supported",
		"[a-":  "syntax error in pattern",
		"[]":   "syntax error in pattern",
		`abc\`: "syntax error in pattern",
	}
	for g, want := range tests {
		got := checkGlob(g)
		if (want == "") != (got == "") || !strings.Contains(got, want) {
			t.Errorf("checkGlob(%q) = %q, want containing %q", g, got, want)
		}
	}
}

// FuzzGlobMatchAgreesWithPathMatch: on names without '/', where path.Match and scope globs
// mean the same thing, they must agree for every valid glob.
func FuzzGlobMatchAgreesWithPathMatch(f *testing.F) {
	for _, s := range [][2]string{{"a*b", "axxb"}, {"[^a-c]?", "dé"}, {`\*x`, "*x"}, {"*a*", "bab"}, {"[é-ü]", "ö"}} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, glob, name string) {
		if strings.Contains(name, "/") || checkGlob(glob) != "" {
			return
		}
		want, err := path.Match(glob, name)
		if err != nil {
			return
		}
		if got := globMatch(glob, name); got != want {
			t.Errorf("globMatch(%q, %q) = %v, path.Match = %v", glob, name, got, want)
		}
	})
}
