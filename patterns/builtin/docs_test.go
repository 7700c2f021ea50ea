package builtin

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
)

var updateDocs = flag.Bool("update-docs", false, "rewrite the generated part of docs/builtin-packs.md")

// Markers around the generated reference in docs/builtin-packs.md; the prose outside them is
// written by hand.
const (
	docsBegin = "<!-- BEGIN GENERATED: go test ./patterns/builtin -run TestDocsUpToDate -update-docs -->\n"
	docsEnd   = "<!-- END GENERATED -->\n"
)

// TestDocsUpToDate keeps the pack reference in docs/builtin-packs.md identical to the shipped
// packs, so the documentation can never describe a pattern that is not what totto runs.
func TestDocsUpToDate(t *testing.T) {
	root, err := findModuleRoot()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(root, "docs", "builtin-packs.md")
	doc, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading the built-in packs documentation: %v", err)
	}
	i, j := bytes.Index(doc, []byte(docsBegin)), bytes.Index(doc, []byte(docsEnd))
	if i < 0 || j < i {
		t.Fatalf("%s: generated-section markers missing", path)
	}
	want := renderReference(t)
	if string(doc[i+len(docsBegin):j]) == want {
		return
	}
	if !*updateDocs {
		t.Fatalf("%s is out of date with the packs; run go test ./patterns/builtin -run TestDocsUpToDate -update-docs", path)
	}
	out := append(append(append([]byte(nil), doc[:i+len(docsBegin)]...), want...), doc[j:]...)
	if err := os.WriteFile(path, out, 0o644); err != nil {
		t.Fatal(err)
	}
}

// renderReference writes one section per pack and one entry per pattern: tags, verdict,
// priority, expression, a normalised example line and the description.
func renderReference(t *testing.T) string {
	var b strings.Builder
	b.WriteString("\n| pack | what it covers | patterns | flaky | infra only |\n|---|---|---|---|---|\n")
	packs := Packs()
	for _, p := range packs {
		flaky := 0
		for _, x := range p.Patterns {
			if x.HasTag(patterns.TagFlaky) {
				flaky++
			}
		}
		fmt.Fprintf(&b, "| [%s](#pack-%s) | %s | %d | %d | %d |\n", p.Name, p.Name, p.Description, len(p.Patterns), flaky, len(p.Patterns)-flaky)
	}
	for _, p := range packs {
		fmt.Fprintf(&b, "\n## Pack `%s`\n\n%s. File `patterns/builtin/%s.yml`, source `%s%s`.\n",
			p.Name, upperFirst(p.Description), p.Name, SourcePrefix, p.Name)
		for _, x := range p.Patterns {
			verdict := "infra only: never makes a failure flaky"
			if x.HasTag(patterns.TagFlaky) {
				verdict = "flaky: a match explains the failure as flaky"
			}
			fmt.Fprintf(&b, "\n### %s\n\n", x.Name)
			fmt.Fprintf(&b, "- id %d, priority %d, tags `%s` (%s)\n", x.ID, x.Priority, strings.Join(x.Tags, "`, `"), verdict)
			fmt.Fprintf(&b, "- %s: `%s`\n", x.Kind, x.Expr)
			fmt.Fprintf(&b, "- example: `%s`\n\n", exampleFor(t, x.Name))
			b.WriteString(x.Description + "\n")
		}
	}
	b.WriteString("\n")
	return b.String()
}

// exampleFor returns the first positive example of a pattern as the normalised line totto shows.
func exampleFor(t *testing.T, name string) string {
	for _, ex := range examples {
		if ex.pattern != name || !ex.match {
			continue
		}
		r := logs.NewReader(strings.NewReader(ex.line + "\n"))
		if !r.Next() {
			t.Fatalf("example of %q normalises to nothing", name)
		}
		text := strings.TrimSpace(string(r.Line().Text))
		return strings.ReplaceAll(text, "`", "'")
	}
	t.Fatalf("pattern %q has no positive example", name)
	return ""
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}
