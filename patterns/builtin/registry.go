package builtin

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"

	"github.com/totto-ci/totto/patterns"
)

// registryText is the append-only list of every built-in pattern ever shipped:
//
//	<id> TAB <pack> TAB <name> TAB <fingerprint> [TAB retired]
//
// A pattern's expression is immutable once it has an ID (the store's per-log scan watermark
// depends on it), so a built-in whose regex must change gets a new name, appended with the next
// ID, and the old row is marked retired instead of edited. The fingerprint catches an expression
// edited in place.
//
//go:embed registry.txt
var registryText string

// registryRow is one shipped built-in pattern.
type registryRow struct {
	id          int64
	fingerprint string
	retired     bool
}

// registry maps "pack\tname" to its row.
type registry map[string]registryRow

// fingerprint identifies a pattern's kind and expression; 16 hex digits are plenty for tens of
// patterns and keep the file readable.
func fingerprint(p *patterns.Pattern) string {
	sum := sha256.Sum256([]byte(string(p.Kind) + "\x00" + p.Expr))
	return hex.EncodeToString(sum[:8])
}

func parseRegistry(text string) (registry, error) {
	reg := registry{}
	seen := map[int64]string{}
	var last int64
	sc := bufio.NewScanner(strings.NewReader(text))
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) < 4 || len(f) > 5 || (len(f) == 5 && f[4] != "retired") {
			return nil, fmt.Errorf("registry.txt:%d: want id, pack, name, fingerprint [, retired] separated by tabs, got %q", n, line)
		}
		id, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil || id <= last {
			return nil, fmt.Errorf("registry.txt:%d: id %q must be a number above the previous one (%d)", n, f[0], last)
		}
		last = id
		key := f[1] + "\t" + f[2]
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("registry.txt:%d: id %d already used by %q", n, id, prev)
		}
		if _, dup := reg[key]; dup {
			return nil, fmt.Errorf("registry.txt:%d: pattern %q of pack %q listed twice", n, f[2], f[1])
		}
		seen[id] = key
		reg[key] = registryRow{id: id, fingerprint: f[3], retired: len(f) == 5}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("reading registry.txt: %w", err)
	}
	return reg, nil
}

// id returns the registered ID of a shipped pattern, refusing a pattern that is unregistered,
// retired, or whose expression no longer matches the one registered under its name.
func (r registry) id(pack string, p *patterns.Pattern) (int64, error) {
	row, ok := r[pack+"\t"+p.Name]
	switch {
	case !ok:
		return 0, fmt.Errorf("built-in pattern %q of pack %q is not in registry.txt: append %q",
			p.Name, pack, r.nextRow(pack, p))
	case row.retired:
		return 0, fmt.Errorf("built-in pattern %q of pack %q is retired in registry.txt; give the new pattern a new name", p.Name, pack)
	case row.fingerprint != fingerprint(p):
		return 0, fmt.Errorf("built-in pattern %q of pack %q changed its expression (registered fingerprint %s, now %s): expressions are immutable, so retire the old row and add the pattern under a new name",
			p.Name, pack, row.fingerprint, fingerprint(p))
	}
	return row.id, nil
}

// nextRow formats the registry line a new pattern needs, for the error message.
func (r registry) nextRow(pack string, p *patterns.Pattern) string {
	var max int64
	for _, row := range r {
		if row.id > max {
			max = row.id
		}
	}
	return fmt.Sprintf("%d\t%s\t%s\t%s", max+1, pack, p.Name, fingerprint(p))
}
