package cause

import (
	"bytes"
	"fmt"
	"path/filepath"
	"sort"
	"testing"

	"github.com/totto-ci/totto/logs"
)

func TestZZStats(t *testing.T) {
	matches, _ := filepath.Glob(filepath.Join(corpusDir(t), "logs", "treeherder", "*.gz"))
	calls := map[string]int{}
	hit := map[string]int{}
	total := 0
	for _, p := range matches {
		lines, _, _ := readLines(p, logs.FormatAuto)
		for _, l := range lines {
			total++
			text, _ := cleanLine(l.Text)
			if len(bytes.TrimSpace(text)) == 0 {
				continue
			}
			if len(text) > maxScoredBytes {
				text = text[:maxScoredBytes]
			}
			cand := keywords.scan(text)
			for i := range rules {
				if !cand.has(i) {
					continue
				}
				ru := &rules[i]
				if ru.suffix != nil && !bytes.HasSuffix(bytes.TrimRight(text, " \t"), ru.suffix) {
					continue
				}
				if ru.gate != nil && !ru.gate(text) {
					continue
				}
				calls[ru.name]++
				if ru.re.Match(text) {
					hit[ru.name]++
					break
				}
			}
		}
	}
	type kv struct {
		k    string
		p, h int
	}
	var out []kv
	for k, v := range calls {
		out = append(out, kv{k, v, hit[k]})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].p > out[j].p })
	fmt.Println("total", total)
	for _, o := range out {
		fmt.Println(o.k, o.p, o.h)
	}
}
