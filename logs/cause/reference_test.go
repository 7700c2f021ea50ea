package cause

import (
	"fmt"
	"io/fs"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/totto-ci/totto/internal/keywords"
	"github.com/totto-ci/totto/logs"
)

// TestFinderMatchesReference runs every dev log of the corpus (LogChunks, CiDiff, PyTorch) through
// a Finder and through one scoring lines with scoreRuleReference, the plain rule-by-rule
// definition, and checks that the excerpts are identical: the shortcuts of scoreRule must never
// change what the Finder chooses.
func TestFinderMatchesReference(t *testing.T) {
	logsDir := filepath.Join(corpusDir(t), "logs")
	var paths []string
	for _, set := range []string{"logchunks-dev", "cidiff-dev", "pytorch-dev"} {
		_ = filepath.WalkDir(filepath.Join(logsDir, set), func(path string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() && (strings.HasSuffix(path, ".log") || strings.HasSuffix(path, ".log.gz")) {
				paths = append(paths, path)
			}
			return nil
		})
	}
	if len(paths) == 0 {
		t.Skip("no dev logs in the corpus")
	}
	if testing.Short() {
		// One log in eight: the reference scores every line with every rule, about a second of
		// CPU per 20 MB of log.
		var some []string
		for i := 0; i < len(paths); i += 8 {
			some = append(some, paths[i])
		}
		paths = some
	}
	var (
		mu       sync.Mutex
		wg       sync.WaitGroup
		failures []string
		lines    int
	)
	work := make(chan string)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for path := range work {
				ls, _, err := readLines(path, logs.FormatPlain)
				if err != nil {
					mu.Lock()
					failures = append(failures, err.Error())
					mu.Unlock()
					continue
				}
				fast, ref := NewFinder(Options{FreeBlank: true}), NewFinder(Options{FreeBlank: true})
				ref.score = func(t []byte, _ *keywords.Memo) (float64, kind, int) { return scoreRuleReference(t) }
				var bad []string
				for _, l := range ls {
					fast.Add(l)
					ref.Add(l)
					if g, w := fast.ringAt(1), ref.ringAt(1); g != w && len(bad) < 3 {
						bad = append(bad, fmt.Sprintf("%s:%d: scored %+v, reference %+v", path, l.Num, g, w))
					}
				}
				got, want := fast.Excerpt(), ref.Excerpt()
				if !reflect.DeepEqual(got, want) {
					bad = append(bad, fmt.Sprintf("%s: excerpt %v, reference %v", path, got.Ranges, want.Ranges))
				}
				mu.Lock()
				lines += len(ls)
				failures = append(failures, bad...)
				mu.Unlock()
			}
		}()
	}
	for _, p := range paths {
		work <- p
	}
	close(work)
	wg.Wait()
	for _, f := range failures {
		t.Error(f)
	}
	t.Logf("%d logs, %d lines", len(paths), lines)
}
