package patterns

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"
	"unicode/utf8"
)

// Hostile pattern files are refused with Problems naming the file, in bounded memory: invalid
// UTF-8, alias bombs, deep nesting, binary; a huge file of valid patterns loads them all.
func TestParseHostileFiles(t *testing.T) {
	var bomb strings.Builder
	bomb.WriteString("patterns:\n  - name: p0\n    literal: x\n    tags: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n")
	for i := 1; i <= 9; i++ {
		fmt.Fprintf(&bomb, "  - name: p%d\n    literal: x\n    tags: &a%d [", i, i)
		for j := range 10 {
			if j > 0 {
				bomb.WriteString(", ")
			}
			fmt.Fprintf(&bomb, "*a%d", i-1)
		}
		bomb.WriteString("]\n")
	}
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"invalid UTF-8 in a name", []byte("patterns:\n  - name: \"bad \xff\"\n    literal: x\n"), "hostile.yml"},
		{"invalid UTF-8 in a literal", []byte("patterns:\n  - name: a\n    literal: x\xc0\xafy\n"), "hostile.yml"},
		{"alias bomb", []byte(bomb.String()), "hostile.yml"},
		{"100k nested sequences", bytes.Repeat([]byte("["), 100_000), "hostile.yml"},
		{"binary", []byte("\x00\x01patterns:\x00\xff"), "hostile.yml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			ps, err := Parse("hostile.yml", c.data)
			runtime.ReadMemStats(&after)
			var probs Problems
			if !errors.As(err, &probs) || len(probs.Errors()) == 0 || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("Parse: %v, want Problems naming %q", err, c.want)
			}
			for _, p := range ps {
				if !utf8.ValidString(p.Name) || !utf8.ValidString(p.Expr) {
					t.Errorf("loaded pattern with invalid UTF-8: %+q %+q", p.Name, p.Expr)
				}
			}
			if d := after.TotalAlloc - before.TotalAlloc; d > 256<<20 {
				t.Errorf("parsing %d bytes allocated %d MB", len(c.data), d>>20)
			}
		})
	}
}

// A 5 MB file of 50 000 patterns loads the first 10 000 and says the rest were ignored; nothing
// is dropped silently.
func TestParseHugeFile(t *testing.T) {
	var b strings.Builder
	b.WriteString("patterns:\n")
	for i := range 50_000 {
		fmt.Fprintf(&b, "  - name: pattern number %d\n    literal: \"distinct failure text %d\"\n", i, i)
	}
	ps, err := Parse("huge.yml", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "too many patterns") {
		t.Fatalf("Parse: %v, want a problem saying there are too many patterns", err)
	}
	if len(ps) != 10_000 {
		t.Fatalf("loaded %d patterns, want the first 10000", len(ps))
	}
}

// A short regex that compiles to a huge program (matching cost grows with it) is rejected with
// the reason, in a pattern file and through Check (the UI, the CLI, importers); the built-in
// packs' largest pattern stays well within the bound.
func TestRegexProgramSizeBounded(t *testing.T) {
	for _, expr := range []string{`(.*){1000}`, `(.*){1,1000}`, `(a|b|.*x){600}`} {
		probs := Check(Pattern{Name: "slow", Kind: Regex, Expr: expr}).Errors()
		if len(probs) == 0 || !strings.Contains(probs[0].Msg, "instructions") {
			t.Errorf("Check(%q) = %v, want an error about the program's size", expr, probs)
		}
		_, err := Parse("hostile.yml", []byte("patterns:\n  - name: slow\n    regex: '"+expr+"'\n"))
		if err == nil || !strings.Contains(err.Error(), "instructions") {
			t.Errorf("Parse with %q: %v, want an error about the program's size", expr, err)
		}
	}
	if n := RegexInsts(`error: (.*) failed after \d+ attempts`); n == 0 || n > MaxRegexInsts/10 {
		t.Errorf("an ordinary regex compiles to %d instructions", n)
	}
}

// Scope globs with bidirectional controls are rejected by validation.
func TestScopeGlobRejectsBidiControls(t *testing.T) {
	p := Pattern{Name: "x", Kind: Literal, Expr: "error", Jobs: []string{"lint\u202e*"}}
	if errs := Check(p).Errors(); len(errs) == 0 || !strings.Contains(errs[0].Msg, "U+202E") {
		t.Errorf("Check = %v, want an error naming U+202E", errs)
	}
}
