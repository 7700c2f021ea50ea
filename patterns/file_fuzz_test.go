package patterns

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// FuzzParse: any input yields patterns and/or Problems without panicking, every loaded pattern
// passes Check, and what loaded survives Marshal and Parse unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte(goodFile))
	f.Add([]byte("patterns:\n  - {name: a, regex: '(x{1000}){1000}'}\n  - {name: a, literal: b, jobs: ['**']}\n"))
	f.Add([]byte("patterns:\n  - name: &x a\n    literal: *x\n    priority: 0x10\n    tags: [Flaky]\n"))
	f.Add([]byte("patterns: {name: a}\nother: 1\n"))
	f.Add([]byte("patterns:\n  - {name: m, literal: FAIL, then: {regex: 'Caused by: (\\w+)', within: 5}}\n  - {name: n, literal: x, then: {literal: '', within: 0, x: 1}}\n"))
	// The curated built-in packs are real pattern files.
	packs, _ := filepath.Glob(filepath.Join("builtin", "*.yml"))
	for _, pack := range packs {
		if data, err := os.ReadFile(pack); err == nil {
			f.Add(data)
		}
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := Parse("fuzz.yml", data)
		var probs Problems
		if err != nil && !errors.As(err, &probs) {
			t.Fatalf("Parse returned %T, want Problems: %v", err, err)
		}
		for _, p := range ps {
			if errs := Check(p).Errors(); len(errs) > 0 {
				t.Fatalf("loaded pattern %+v fails Check: %v", p, errs)
			}
		}
		out, err := Marshal(ps)
		if err != nil {
			t.Fatalf("Marshal: %v", err)
		}
		again, err := Parse("fuzz.yml", out)
		if errors.As(err, &probs) && len(probs.Errors()) > 0 {
			t.Fatalf("re-parse of marshalled patterns: %v\n%s", probs.Errors(), out)
		}
		if len(ps) == 0 && len(again) == 0 {
			return
		}
		if !reflect.DeepEqual(normaliseEmpty(ps), normaliseEmpty(again)) {
			t.Fatalf("round trip changed patterns:\n got %#v\nwant %#v\nyaml:\n%s", again, ps, out)
		}
	})
}

// normaliseEmpty treats empty and nil lists alike: Marshal omits both.
func normaliseEmpty(ps []Pattern) []Pattern {
	out := make([]Pattern, len(ps))
	for i, p := range ps {
		for _, l := range []*[]string{&p.Tags, &p.Jobs, &p.Steps} {
			if len(*l) == 0 {
				*l = nil
			}
		}
		out[i] = p
	}
	return out
}
