package builtin

import (
	"bytes"
	"io"
	"path/filepath"
	"regexp"
	"testing"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
)

// BenchmarkScanBuiltins measures scanning real CI logs (the CiDiff dev passing logs, held in
// memory) with every built-in pattern through the prefiltered matcher, normalisation included;
// MB/s is of raw log bytes.
func BenchmarkScanBuiltins(b *testing.B) {
	raw, total := loadPassingLogs(b)
	m := compileAll(b)
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, data := range raw {
			if _, err := scanReader(m, bytes.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkScanBuiltinsNaive is the reference the matcher is compared with: every built-in tried
// on every normalised line with Go's regexp (or bytes.Contains for literals), no prefilter.
func BenchmarkScanBuiltinsNaive(b *testing.B) {
	raw, total := loadPassingLogs(b)
	all := All()
	res := make([]*regexp.Regexp, len(all))
	for i, p := range all {
		if p.Kind == patterns.Regex {
			res[i] = regexp.MustCompile(p.Expr)
		}
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, data := range raw {
			r := logs.NewReader(bytes.NewReader(data))
			for r.Next() {
				text := r.Line().Text
				for i, p := range all {
					if res[i] != nil {
						res[i].Match(text)
					} else {
						bytes.Contains(text, []byte(p.Expr))
					}
				}
			}
		}
	}
}

// loadPassingLogs reads the CiDiff dev passing logs into memory, so benchmarks time the scan and
// not the decompression.
func loadPassingLogs(b *testing.B) (raw [][]byte, total int64) {
	root := filepath.Join(corpusDir(b), "logs", "cidiff-dev")
	for _, rel := range globLogs(b, root, "*/*/pass.log.gz", "*/*/*/pass.log.gz") {
		f, err := logs.Open(filepath.Join(root, rel))
		if err != nil {
			b.Fatal(err)
		}
		data, err := io.ReadAll(f)
		f.Close()
		if err != nil {
			b.Fatalf("reading %s: %v", rel, err)
		}
		raw = append(raw, data)
		total += int64(len(data))
	}
	return raw, total
}
