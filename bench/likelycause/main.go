// Command likelycause writes likely-cause predictions for the dev corpora in the format of the
// corpus excerpt scorer (tools/score_excerpts.py), so the excerpt's quality is measured on real
// logs with human labels rather than judged by eye. bench/likelycause.sh runs it and the scorer.
//
// With -grid it writes one prediction per log for each weight setting of a grid (the "config"
// field numbers them, -grid-out lists them), so that bench/likelycause_cv.py can choose weights on
// some repositories and score the others (leave-repositories-out cross-validation). With -history
// a CiDiff case's passing twin is the job's history, as the store's fingerprint of the last green
// run would be. With -closing-lines N every setting gives N lines to the failing step's closing
// statement (cause.Params.ClosingLines; 0 shows none), so the excerpt's shapes can be compared.
package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
)

func main() {
	corpus := flag.String("corpus", "../shared/corpus/logs", "the corpus logs folder (holds logchunks-SPLIT, cidiff-SPLIT, pytorch-SPLIT)")
	split := flag.String("split", "dev", "which split to predict")
	out := flag.String("out", "-", "predictions file (JSONL); - for stdout")
	budget := flag.Int("budget", 10, "most non-blank lines per excerpt")
	format := flag.String("format", "plain", "reader format: plain (canonical text; the Finder strips CI markers itself) or auto (the reader strips them, as `totto scan` does)")
	history := flag.Bool("history", false, "give a CiDiff case's passing twin to the Finder as the job's history")
	grid := flag.Bool("grid", false, "predict with every weight setting of the grid (field \"config\")")
	treeherder := flag.Bool("treeherder", false, "predict the Treeherder logs that have Treeherder's own error lines (*.logview.json) instead of a split")
	gridOut := flag.String("grid-out", "", "with -grid, write the grid's weight settings (JSON) here")
	closing := flag.Int("closing-lines", -1, "lines given to the failing step's closing statement (cause.Params.ClosingLines) in every setting; -1 keeps the default")
	ablate := flag.Bool("ablate", false, "predict once with all rules, then once with each rule switched off (field \"config\": 0 all rules, k rule k-1; field \"without\")")
	folds := flag.String("folds", "", "a JSON file {log id: {\"without\": [rule names], \"params\": weights}}: predict each log so (logs it does not name: defaults)")
	rulesOut := flag.String("rules-out", "", "also write, per log, the rule each line meets (JSON lines {log, rules: {line: rule}})")
	flag.Parse()
	formats := map[string]logs.Format{"plain": logs.FormatPlain, "auto": logs.FormatAuto}
	f, ok := formats[*format]
	if !ok {
		fmt.Fprintf(os.Stderr, "likelycause: unknown -format %q (want plain or auto)\n", *format)
		os.Exit(2)
	}
	settings := []setting{{params: cause.DefaultParams()}}
	if *grid {
		settings = settings[:0]
		params := paramGrid()
		for i := range params {
			if *closing >= 0 { // also in the settings written to -grid-out
				params[i].ClosingLines = *closing
			}
			settings = append(settings, setting{params: params[i]})
		}
		if *gridOut != "" {
			if err := writeJSON(*gridOut, params); err != nil {
				fmt.Fprintln(os.Stderr, "likelycause:", err)
				os.Exit(1)
			}
		}
	}
	if *ablate {
		for _, name := range cause.RuleNames() {
			settings = append(settings, setting{params: cause.DefaultParams(), without: []string{name}})
		}
	}
	cfg := config{budget: *budget, format: f, history: *history, settings: settings, tagged: *grid || *ablate, treeherder: *treeherder, rulesOut: *rulesOut}
	if *folds != "" {
		fs, err := readFolds(*folds)
		if err != nil {
			fmt.Fprintln(os.Stderr, "likelycause:", err)
			os.Exit(1)
		}
		cfg.folds = fs
	}
	if *closing >= 0 {
		for i := range cfg.settings {
			cfg.settings[i].params.ClosingLines = *closing
		}
		for id, s := range cfg.folds {
			s.params.ClosingLines = *closing
			cfg.folds[id] = s
		}
	}
	if err := run(*corpus, *split, *out, cfg); err != nil {
		fmt.Fprintln(os.Stderr, "likelycause:", err)
		os.Exit(1)
	}
}

// config says how to predict.
type config struct {
	budget   int
	format   logs.Format
	history  bool
	settings []setting
	tagged   bool // write the index of the setting with each prediction
	// treeherder predicts the Treeherder logs with error lines instead of the split's logs.
	treeherder bool
	// folds, when set, gives some logs their own setting (their fold's rules and weights).
	folds map[string]setting
	// rulesOut, when set, is where the rule each line meets is written.
	rulesOut string
}

// setting is what a prediction is made with: the weights and the rules switched off.
type setting struct {
	params  cause.Params
	without []string
}

// readFolds reads a -folds file.
func readFolds(path string) (map[string]setting, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read folds: %w", err)
	}
	var raw map[string]struct {
		Without []string      `json:"without"`
		Params  *cause.Params `json:"params"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, fmt.Errorf("decode folds %s: %w", path, err)
	}
	known := map[string]bool{}
	for _, n := range cause.RuleNames() {
		known[n] = true
	}
	out := make(map[string]setting, len(raw))
	for id, f := range raw {
		s := setting{params: cause.DefaultParams(), without: f.Without}
		if f.Params != nil {
			s.params = *f.Params
		}
		for _, n := range f.Without {
			if !known[n] {
				return nil, fmt.Errorf("folds %s: %s: no rule named %q", path, id, n)
			}
		}
		out[id] = s
	}
	return out, nil
}

// paramGrid is the weight settings the cross-validation chooses among: the knobs that place the
// excerpt relative to the failing step, around their defaults (the defaults are setting 0).
func paramGrid() []cause.Params {
	out := []cause.Params{cause.DefaultParams()}
	for _, after := range []float64{1.5, 3, 6} {
		for _, same := range []float64{0, 1.5} {
			for _, ratio := range []float64{0.5, 0.6, 0.7} {
				for _, scale := range []float64{0.25, 0.5, 1} {
					p := cause.DefaultParams()
					p.AfterEndPenalty, p.SameStepBonus, p.SecondRatio, p.RecencyScale = after, same, ratio, scale
					if p != out[0] {
						out = append(out, p)
					}
				}
			}
		}
	}
	return out
}

func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", " ")
	if err != nil {
		return fmt.Errorf("encode %s: %w", path, err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// item is one log to predict: its scorer id, the file holding it and, for a CiDiff case, its
// passing twin.
type item struct{ id, path, twin string }

// loaded is an item with its log (and its twin's fingerprint) in memory, so that every weight
// setting reads the same bytes once.
type loaded struct {
	id      string
	data    []byte
	history *cause.Fingerprint
}

func run(corpus, split, out string, cfg config) error {
	list := listItems
	if cfg.treeherder {
		list = func(corpus, _ string) ([]item, error) { return listTreeherder(corpus) }
	}
	items, err := list(corpus, split)
	if err != nil {
		return err
	}
	if len(items) == 0 {
		return fmt.Errorf("no logs for split %q under %s", split, corpus)
	}
	logsIn := make([]loaded, len(items))
	for i, it := range items {
		data, err := readLog(it.path)
		if err != nil {
			return err
		}
		logsIn[i] = loaded{id: it.id, data: data}
		if cfg.history && it.twin != "" {
			twin, err := readLog(it.twin)
			if err != nil {
				return err
			}
			logsIn[i].history = fingerprintOf(twin)
		}
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
	if cfg.rulesOut != "" {
		if err := writeRules(cfg.rulesOut, logsIn, cfg.format); err != nil {
			return err
		}
	}
	for k, st := range cfg.settings {
		exs := predictAll(logsIn, cfg, st)
		for i, ex := range exs {
			pr := prediction(logsIn[i].id, ex)
			if cfg.tagged {
				pr["config"] = k
			}
			if len(st.without) == 1 {
				pr["without"] = st.without[0]
			}
			if err := enc.Encode(pr); err != nil {
				return fmt.Errorf("write prediction for %s: %w", logsIn[i].id, err)
			}
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write predictions: %w", err)
	}
	return nil
}

// predictAll finds the excerpt of every log with setting st (or the log's fold's), on every core.
func predictAll(in []loaded, cfg config, st setting) []cause.Excerpt {
	out := make([]cause.Excerpt, len(in))
	next := make(chan int)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				s := st
				if f, ok := cfg.folds[in[i].id]; ok {
					s = f
				}
				out[i] = excerptOf(in[i], cfg, s)
			}
		}()
	}
	for i := range in {
		next <- i
	}
	close(next)
	wg.Wait()
	return out
}

// prediction is one line of the scorer's input.
func prediction(id string, ex cause.Excerpt) map[string]any {
	p := map[string]any{"log": id, "start_line": ex.StartLine(), "end_line": ex.EndLine(), "cause": ex.Cause}
	if len(ex.Ranges) > 1 {
		p["ranges"] = ex.Ranges
	}
	return p
}

func readLog(path string) ([]byte, error) {
	rc, err := logs.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open log %s: %w", path, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		return nil, fmt.Errorf("read log %s: %w", path, err)
	}
	return b, nil
}

func fingerprintOf(data []byte) *cause.Fingerprint {
	fp, _ := cause.FingerprintOf(strings.NewReader(string(data))) // bytes in memory cannot fail to read
	return fp
}

func excerptOf(l loaded, cfg config, st setting) cause.Excerpt {
	p := st.params
	// FormatPlain keeps timestamp-only and marker-only lines non-blank, as the scorer counts them
	// against the budget; the Finder strips CI markers itself for scoring and display.
	lr := logs.NewReaderOptions(strings.NewReader(string(l.data)), logs.Options{Format: cfg.format})
	// Only canonical text tells truly blank lines apart; with markers stripped by the reader,
	// every line counts against the budget (the default, as in `totto scan`).
	f := cause.NewFinder(cause.Options{Budget: cfg.budget, FreeBlank: cfg.format == logs.FormatPlain, Params: &p, History: l.history, WithoutRules: st.without})
	for lr.Next() {
		f.Add(lr.Line())
	}
	// The reader over bytes in memory cannot fail.
	return f.Excerpt()
}

// writeRules writes, for each log, the rule each of its lines meets (lines no rule matches are
// left out), so that a measurement can tell which rules recognise labelled lines.
func writeRules(path string, in []loaded, format logs.Format) error {
	fh, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("create rules file: %w", err)
	}
	defer fh.Close()
	bw := bufio.NewWriter(fh)
	enc := json.NewEncoder(bw)
	for _, l := range in {
		met := map[int]string{}
		lr := logs.NewReaderOptions(strings.NewReader(string(l.data)), logs.Options{Format: format})
		for lr.Next() {
			if name := cause.RuleOf(lr.Line().Text); name != "" {
				met[lr.Line().Num] = name
			}
		}
		if err := enc.Encode(map[string]any{"log": l.id, "rules": met}); err != nil {
			return fmt.Errorf("write rules of %s: %w", l.id, err)
		}
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write rules file: %w", err)
	}
	return nil
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
			items = append(items, item{id: rec.Log, path: filepath.Join(lc, rec.Log+".gz")})
		}
		fh.Close()
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("labels-%s.jsonl: %w", split, err)
		}
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("labels: %w", err)
	}
	for _, ds := range []struct{ name, prefix, file, twin string }{
		{"cidiff", "cidiff:", "fail.log.gz", "pass.log.gz"},
		{"pytorch", "pytorch:", "", ""},
	} {
		dir := filepath.Join(corpus, ds.name+"-"+split)
		b, err := os.ReadFile(filepath.Join(dir, "cases.txt"))
		if errors.Is(err, os.ErrNotExist) {
			continue
		} else if err != nil {
			return nil, fmt.Errorf("%s cases: %w", ds.name, err)
		}
		for _, c := range strings.Fields(string(b)) {
			it := item{id: ds.prefix + c, path: filepath.Join(dir, c, ds.file)}
			if ds.file == "" {
				it.path = filepath.Join(dir, "clean", c+".log")
			}
			if ds.twin != "" {
				it.twin = filepath.Join(dir, c, ds.twin)
			}
			items = append(items, it)
		}
	}
	return items, nil
}

// listTreeherder finds the Treeherder logs that come with Treeherder's own error lines
// (<stem>.logview.json beside <stem>.log.gz); the id is "treeherder:<stem>".
func listTreeherder(corpus string) ([]item, error) {
	dir := filepath.Join(corpus, "treeherder")
	views, err := filepath.Glob(filepath.Join(dir, "*.logview.json"))
	if err != nil {
		return nil, fmt.Errorf("treeherder logviews: %w", err)
	}
	var items []item
	for _, v := range views {
		stem := strings.TrimSuffix(filepath.Base(v), ".logview.json")
		path := filepath.Join(dir, stem+".log.gz")
		if _, err := os.Stat(path); err != nil {
			continue
		}
		items = append(items, item{id: "treeherder:" + stem, path: path})
	}
	return items, nil
}
