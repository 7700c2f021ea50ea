// Command scanbench measures the pattern matcher's scan throughput on files, the same way
// ripgrep is run on them, so the two can be compared in one script (bench/scan-vs-rg.sh). It
// also writes normalised copies of logs, so both tools read identical text.
//
//	scanbench normalise -o DIR LOG...                     write DIR/<name> with normalised lines
//	scanbench -patterns P.jsonl [-j N] [-lines OUT] FILE... scan; print MB/s; list file:line
//	scanbench yaml P.jsonl                               print the set as a totto pattern file
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/patterns"
)

func main() {
	var err error
	switch {
	case len(os.Args) > 1 && os.Args[1] == "normalise":
		err = normaliseCmd(os.Args[2:])
	case len(os.Args) == 3 && os.Args[1] == "yaml":
		err = yamlCmd(os.Args[2])
	default:
		err = scanCmd(os.Args[1:])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "scanbench:", err)
		os.Exit(1)
	}
}

func normaliseCmd(args []string) error {
	fs := flag.NewFlagSet("normalise", flag.ContinueOnError)
	out := fs.String("o", "", "output directory")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *out == "" {
		return errors.New("normalise: -o DIR is required")
	}
	for _, f := range fs.Args() {
		name := strings.TrimSuffix(filepath.Base(f), ".gz")
		if err := normalise(f, filepath.Join(*out, name)); err != nil {
			return err
		}
	}
	return nil
}

// normalise writes every line of the log (progress frames included, so numbering is kept) as the
// matcher sees it, one per "\n".
func normalise(in, out string) error {
	src, err := logs.Open(in)
	if err != nil {
		return fmt.Errorf("normalise %s: %w", in, err)
	}
	defer src.Close()
	dst, err := os.Create(out)
	if err != nil {
		return fmt.Errorf("normalise %s: %w", in, err)
	}
	w := bufio.NewWriterSize(dst, 1<<20)
	r := logs.NewReader(src)
	for r.Next() {
		w.Write(r.Line().Text)
		w.WriteByte('\n')
	}
	if err := r.Err(); err != nil {
		dst.Close()
		return fmt.Errorf("normalise %s: %w", in, err)
	}
	if err := w.Flush(); err != nil {
		dst.Close()
		return fmt.Errorf("normalise %s: writing %s: %w", in, out, err)
	}
	return dst.Close()
}

func scanCmd(args []string) error {
	fs := flag.NewFlagSet("scanbench", flag.ContinueOnError)
	patFile := fs.String("patterns", "", "pattern set as JSONL {id,label,kind,pattern}")
	jobs := fs.Int("j", 1, "files scanned concurrently")
	linesOut := fs.String("lines", "", "write the sorted set of matching file:line here")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the scan here")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fmt.Errorf("cpu profile: %w", err)
		}
		defer pprof.StopCPUProfile()
	}
	ps, err := loadJSONL(*patFile)
	if err != nil {
		return err
	}
	start := time.Now()
	m, err := patterns.Compile(ps)
	if err != nil {
		return err
	}
	files := fs.Args()
	type result struct {
		lines   []string
		bytes   int64
		matches int
		err     error
	}
	results := make([]result, len(files))
	var wg sync.WaitGroup
	next := make(chan int)
	for w := 0; w < max(1, *jobs); w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				res := &results[i]
				res.lines, res.bytes, res.matches, res.err = scanFile(m, files[i])
			}
		}()
	}
	for i := range files {
		next <- i
	}
	close(next)
	wg.Wait()
	elapsed := time.Since(start)
	var total int64
	var all []string
	matches := 0
	for _, r := range results {
		if r.err != nil {
			return r.err
		}
		total += r.bytes
		matches += r.matches
		all = append(all, r.lines...)
	}
	fmt.Printf("%.1f MB in %.3f s: %.1f MB/s, %d matches on %d lines\n",
		float64(total)/1e6, elapsed.Seconds(), float64(total)/1e6/elapsed.Seconds(), matches, len(all))
	if *linesOut != "" {
		slices.Sort(all)
		if err := os.WriteFile(*linesOut, []byte(strings.Join(all, "\n")+"\n"), 0o644); err != nil {
			return fmt.Errorf("writing %s: %w", *linesOut, err)
		}
	}
	return nil
}

// scanFile scans one normalised file, returning its distinct matching "file:line"s.
func scanFile(m *patterns.Matcher, file string) ([]string, int64, int, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, 0, 0, fmt.Errorf("scan %s: %w", file, err)
	}
	defer f.Close()
	r := logs.NewReaderOptions(f, logs.Options{Format: logs.FormatPlain})
	var lines []string
	last := 0
	st, err := m.Scan(r, patterns.ScanOptions{IncludeOverwritten: true, MaxMatchesPerPattern: 1 << 30}, func(mt patterns.Match) error {
		if mt.Line != last {
			lines = append(lines, fmt.Sprintf("%s:%d", file, mt.Line))
			last = mt.Line
		}
		return nil
	})
	if err != nil {
		return nil, 0, 0, fmt.Errorf("scan %s: %w", file, err)
	}
	return lines, st.Bytes, st.Matches, nil
}

// loadJSONL reads a benchmark pattern set ({"id","label","kind","pattern"} per line).
func loadJSONL(file string) ([]patterns.Pattern, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading patterns: %w", err)
	}
	var ps []patterns.Pattern
	dec := json.NewDecoder(bytes.NewReader(data))
	for {
		var row struct {
			ID      int    `json:"id"`
			Label   string `json:"label"`
			Kind    string `json:"kind"`
			Pattern string `json:"pattern"`
		}
		if err := dec.Decode(&row); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, fmt.Errorf("%s: pattern %d: %w", file, len(ps)+1, err)
		}
		ps = append(ps, patterns.Pattern{ID: int64(len(ps) + 1), Name: fmt.Sprintf("%d %s", row.ID, row.Label),
			Kind: patterns.Kind(row.Kind), Expr: row.Pattern, Priority: -len(ps)})
	}
	return ps, nil
}

// yamlCmd writes a JSONL pattern set as a totto pattern file, so `totto scan --patterns` can run
// the same set as the matcher benchmark and ripgrep.
func yamlCmd(path string) error {
	ps, err := loadJSONL(path)
	if err != nil {
		return err
	}
	out, err := patterns.Marshal(ps)
	if err != nil {
		return fmt.Errorf("yaml: %w", err)
	}
	_, err = os.Stdout.Write(out)
	return err
}
