// Command likelycause writes likely-cause predictions for the dev corpora in the format of the
// corpus excerpt scorer (tools/score_excerpts.py), so the excerpt's quality is measured on real
// logs with human labels rather than judged by eye. bench/likelycause.sh runs it and the scorer.
package main

import (
	"bufio"
	"compress/gzip"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus/logs", "the corpus logs folder (holds logchunks-SPLIT, cidiff-SPLIT, pytorch-SPLIT)")
	split := flag.String("split", "dev", "which split to predict")
	out := flag.String("out", "-", "predictions file (JSONL); - for stdout")
	budget := flag.Int("budget", 10, "most non-blank lines per excerpt")
	format := flag.String("format", "plain", "reader format: plain (canonical text; the Finder strips CI markers itself) or auto (the reader strips them, as `totto scan` does)")
	flag.Parse()
	formats := map[string]logs.Format{"plain": logs.FormatPlain, "auto": logs.FormatAuto}
	f, ok := formats[*format]
	if !ok {
		fmt.Fprintf(os.Stderr, "likelycause: unknown -format %q (want plain or auto)\n", *format)
		os.Exit(2)
	}
	if err := run(*corpus, *split, *out, *budget, f); err != nil {
		fmt.Fprintln(os.Stderr, "likelycause:", err)
		os.Exit(1)
	}
}

// item is one log to predict: its scorer id and the file holding it.
type item struct{ id, path string }

func run(corpus, split, out string, budget int, format logs.Format) error {
	items, err := listItems(corpus, split)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fmt.Errorf("no logs for split %q under %s", split, corpus)
	}
	var w io.Writer = os.Stdout
	if out != "-" {
		fh, err := os.Create(out)
		if err != nil {
			return fmt.Errorf("create predictions: %w", err)
		}
		defer fh.Close()
		w = fh
	}
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	for _, it := range items {
		ex, err := excerptOf(it.path, budget, format)
		if err != nil {
			return err
		}
		if err := enc.Encode(prediction(it.id, ex)); err != nil {
			return fmt.Errorf("write prediction for %s: %w", it.id, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	return nil
}

// prediction is one line of the scorer's input.
func prediction(id string, ex cause.Excerpt) map[string]any {
	p := map[string]any{"log": id, "start_line": ex.StartLine(), "end_line": ex.EndLine()}
	if len(ex.Ranges) > 1 {
		p["ranges"] = ex.Ranges
	}
	return p
}

func excerptOf(path string, budget int, format logs.Format) (cause.Excerpt, error) {
	fh, err := os.Open(path)
	if err != nil {
		return cause.Excerpt{}, fmt.Errorf("open log: %w", err)
	}
	defer fh.Close()
	var r io.Reader = fh
	if strings.HasSuffix(path, ".gz") {
		gz, err := gzip.NewReader(fh)
		if err != nil {
			return cause.Excerpt{}, fmt.Errorf("gunzip %s: %w", path, err)
		}
		defer gz.Close()
		r = gz
	}
	// FormatPlain keeps timestamp-only and marker-only lines non-blank, as the scorer counts them
	// against the budget; the Finder strips CI markers itself for scoring and display.
	lr := logs.NewReaderOptions(r, logs.Options{Format: format})
	// Only canonical text tells truly blank lines apart; with markers stripped by the reader,
	// every line counts against the budget (the default, as in `totto scan`).
	f := cause.NewFinder(cause.Options{Budget: budget, FreeBlank: format == logs.FormatPlain})
	for lr.Next() {
		f.Add(lr.Line())
	}
	if err := lr.Err(); err != nil {
		return cause.Excerpt{}, fmt.Errorf("read %s: %w", path, err)
	}
	return f.Excerpt(), nil
}

// listItems finds the split's logs the way the scorer does.
func listItems(corpus, split string) ([]item, error) {
	var items []item
	lc := filepath.Join(corpus, "logchunks-"+split)
	if fh, err := os.Open(filepath.Join(lc, "labels-"+split+".jsonl")); err == nil {
		sc := bufio.NewScanner(fh)
		sc.Buffer(make([]byte, 1<<20), 64<<20)
		for sc.Scan() {
			var rec struct {
				Log string `json:"log"`
			}
			if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
				fh.Close()
				return nil, fmt.Errorf("labels-%s.jsonl: %w", split, err)
			}
			items = append(items, item{rec.Log, filepath.Join(lc, rec.Log+".gz")})
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("labels-%s.jsonl: %w", split, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("labels: %w", err)
	}
	for _, ds := range []struct{ name, prefix, file string }{
		{"cidiff", "cidiff:", "fail.log.gz"},
		{"pytorch", "pytorch:", ""},
	} {
		dir := filepath.Join(corpus, ds.name+"-"+split)
		b, err := os.ReadFile(filepath.Join(dir, "cases.txt"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("%s cases: %w", ds.name, err)
		}
		for _, c := range strings.Fields(string(b)) {
			p := filepath.Join(dir, c, ds.file)
			if ds.file == "" {
				p = filepath.Join(dir, "clean", c+".log")
			}
			items = append(items, item{ds.prefix + c, p})
		}
	}
	return items, nil
}
