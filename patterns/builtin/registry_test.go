package builtin

import (
	"flag"
	"fmt"
	"os"
	"path"
	"strings"
	"testing"

	"github.com/totto-ci/totto/patterns"
)

var updateRegistry = flag.Bool("update-registry", false, "append registry.txt rows for new built-in patterns")

// TestRegistry checks that every shipped pattern is registered with its current expression, and
// that every registered, non-retired pattern is still shipped (a deleted pattern must be marked
// retired, so its ID is never reused).
func TestRegistry(t *testing.T) {
	reg, err := parseRegistry(registryText)
	if err != nil {
		t.Fatal(err)
	}
	shipped := map[string]bool{}
	var missing []string
	entries, err := packFiles.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		pack := strings.TrimSuffix(e.Name(), path.Ext(e.Name()))
		data, err := packFiles.ReadFile(e.Name())
		if err != nil {
			t.Fatal(err)
		}
		ps, err := patterns.Parse(e.Name(), data)
		if err != nil {
			t.Fatalf("%s: %v", e.Name(), err)
		}
		for i := range ps {
			shipped[pack+"\t"+ps[i].Name] = true
			if _, ok := reg[pack+"\t"+ps[i].Name]; !ok {
				row := reg.nextRow(pack, &ps[i])
				missing = append(missing, row)
				// Register it in memory so the next new pattern gets the next ID.
				f := strings.Split(row, "\t")
				var id int64
				fmt.Sscan(f[0], &id)
				reg[pack+"\t"+ps[i].Name] = registryRow{id: id, fingerprint: f[3]}
				continue
			}
			if _, err := reg.id(pack, &ps[i]); err != nil {
				t.Error(err)
			}
		}
	}
	for key, row := range reg {
		if !row.retired && !shipped[key] {
			t.Errorf("registry.txt row %d (%q) is neither shipped nor marked retired", row.id, key)
		}
	}
	if len(missing) == 0 {
		return
	}
	if !*updateRegistry {
		t.Fatalf("%d built-in patterns are not registered; run with -update-registry or append:\n%s",
			len(missing), strings.Join(missing, "\n"))
	}
	f, err := os.OpenFile("registry.txt", os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(strings.Join(missing, "\n") + "\n"); err != nil {
		t.Fatal(err)
	}
	t.Logf("appended %d rows to registry.txt", len(missing))
}

func TestParseRegistryRejectsBadRows(t *testing.T) {
	for _, tc := range []struct{ name, text, want string }{
		{"too few fields", "1\tgit\tx\n", "separated by tabs"},
		{"bad retired marker", "1\tgit\tx\tabc\tgone\n", "separated by tabs"},
		{"ids not increasing", "2\tgit\tx\tabc\n1\tgit\ty\tdef\n", "above the previous one"},
		{"duplicate name", "1\tgit\tx\tabc\n2\tgit\tx\tdef\n", "listed twice"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := parseRegistry(tc.text)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("parseRegistry error = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}

func TestRegistryRefusesEditedExpression(t *testing.T) {
	p := patterns.Pattern{Name: "x", Kind: patterns.Literal, Expr: "early EOF"}
	reg := registry{"git\tx": {id: 7, fingerprint: fingerprint(&p)}}
	if id, err := reg.id("git", &p); err != nil || id != 7 {
		t.Fatalf("registered pattern: id %d, err %v; want 7, nil", id, err)
	}
	edited := p
	edited.Expr = "early EOF!"
	if _, err := reg.id("git", &edited); err == nil || !strings.Contains(err.Error(), "immutable") {
		t.Fatalf("edited expression: err %v, want an immutability error", err)
	}
	reg["git\tx"] = registryRow{id: 7, fingerprint: fingerprint(&p), retired: true}
	if _, err := reg.id("git", &p); err == nil || !strings.Contains(err.Error(), "retired") {
		t.Fatalf("retired pattern: err %v, want a retired error", err)
	}
	if _, err := reg.id("git", &patterns.Pattern{Name: "new", Kind: patterns.Literal, Expr: "y"}); err == nil ||
		!strings.Contains(err.Error(), `8\tgit\tnew\t`) {
		t.Fatalf("unregistered pattern: err %v, want the row to append with id 8", err)
	}
}
