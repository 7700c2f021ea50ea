package pipeline

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/totto-ci/totto/patterns"
)

// FuzzParseConfig: any .github/totto.yml (a file anyone with a pull request merged can write)
// parses without panicking, fails only with patterns.Problems naming the file, and every pattern it
// keeps passes patterns.Check, so a broken file can never put a bad pattern into the matcher.
func FuzzParseConfig(f *testing.F) {
	builtin, _ := filepath.Glob(filepath.Join("..", "patterns", "builtin", "*.yml"))
	for _, file := range builtin {
		if data, err := os.ReadFile(file); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("patterns:\n  - name: a\n    literal: x\n    tags: [flaky]\nnever_flaky: [\"lint*\"]\nignore: [\"docs\"]\nbuiltin: false\n"))
	f.Add([]byte("a: &a [x, x]\nb: &b [*a, *a]\nc: [*b, *b]\n"))
	f.Add([]byte("builtin: maybe\nignore: 3\nnevr_flaky: [x]\n"))
	f.Add([]byte("patterns:\n  - name: \xff\n    regex: '(\xfe'\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := ParseConfig(".github/totto.yml", data)
		if err != nil {
			var probs patterns.Problems
			if !errors.As(err, &probs) {
				t.Fatalf("ParseConfig returned %T, want patterns.Problems: %v", err, err)
			}
			for _, p := range probs {
				if p.File != ".github/totto.yml" {
					t.Fatalf("problem %+v does not name the file", p)
				}
			}
		}
		for _, p := range cfg.Patterns {
			if errs := patterns.Check(p).Errors(); len(errs) > 0 {
				t.Fatalf("kept pattern %+v fails Check: %v", p, errs)
			}
		}
	})
}
