package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/logs/cause"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/triage"
)

// failureLog is one real failed (or, for a CiDiff pass log, successful) job of the corpus.
type failureLog struct {
	// ID is the scorer's id: "cidiff:<case>" or the LogChunks path without ".gz".
	ID string
	// Set is "cidiff", "cidiff-pass" or "logchunks".
	Set  string
	Job  string
	Path string
	// Kind is the LogChunks label's kind of failure ("test", "compile" or "other"); CiDiff
	// failures are all deterministic breakages ("breakage").
	Kind string
}

// testChunk and compileChunk classify a LogChunks label by its failure chunk. The data set's
// "category" field is a per-repository structure id, not a failure kind, so the kind is read
// from the labelled text itself.
var (
	testChunk    = regexp.MustCompile(`(?i)\btests? (?:failed|run|results?)|\bfailures?:|\bfailing\b|\bassert|\bexpected\b|\bnot ok\b|\bFAIL(?:ED)?\b.*(?:test|spec|::)|\bspecs?\b|examples?, \d+ failures?|Tests run:|\d+ (?:failed|failures)|risky tests|panicked|\bTest\w+`)
	compileChunk = regexp.MustCompile(`(?i)\berror(?:\[\w+\])?:|cannot find symbol|compil|undefined|syntax ?error|not defined|cmake error|build failed|error CS\d+|error TS\d+|type ?error|cannot find|no such file|unresolved|could not match type|illegal`)
	ansi         = regexp.MustCompile("\x1b\\[[0-9;]*[A-Za-z]")
)

func chunkKind(chunk string) string {
	chunk = ansi.ReplaceAllString(chunk, "")
	switch {
	case testChunk.MatchString(chunk):
		return "test"
	case compileChunk.MatchString(chunk):
		return "compile"
	}
	return "other"
}

// loadCorpus lists the CiDiff failing and passing logs and the LogChunks failures.
func loadCorpus(root string) ([]failureLog, error) {
	var out []failureLog
	cidiff := filepath.Join(root, "logs", "cidiff-dev")
	for _, name := range []string{"fail.log.gz", "pass.log.gz"} {
		var paths []string
		for _, g := range []string{"*/*/" + name, "*/*/*/" + name} {
			m, err := filepath.Glob(filepath.Join(cidiff, g))
			if err != nil {
				return nil, fmt.Errorf("list %s: %w", cidiff, err)
			}
			paths = append(paths, m...)
		}
		sort.Strings(paths)
		for _, p := range paths {
			rel, _ := filepath.Rel(cidiff, filepath.Dir(p))
			parts := strings.Split(filepath.ToSlash(rel), "/")
			job := parts[len(parts)-1]
			if len(parts) == 3 { // breakages_dump/<job>/<run>
				job = parts[1]
			}
			set, kind := "cidiff", "breakage"
			if name == "pass.log.gz" {
				set, kind = "cidiff-pass", "success"
			}
			out = append(out, failureLog{ID: "cidiff:" + filepath.ToSlash(rel), Set: set, Job: job, Path: p, Kind: kind})
		}
	}
	lc := filepath.Join(root, "logs", "logchunks-dev")
	f, err := os.Open(filepath.Join(lc, "labels-dev.jsonl"))
	if err != nil {
		return nil, fmt.Errorf("open LogChunks labels: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		var rec struct {
			Log   string `json:"log"`
			Repo  string `json:"repo"`
			Chunk string `json:"failure_chunk"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return nil, fmt.Errorf("LogChunks label %q: %w", sc.Text(), err)
		}
		out = append(out, failureLog{ID: rec.Log, Set: "logchunks", Job: "travis " + rec.Repo, Path: filepath.Join(lc, rec.Log+".gz"), Kind: chunkKind(rec.Chunk)})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read LogChunks labels: %w", err)
	}
	return out, nil
}

// scanned is a log's matches under one catalogue and its likely cause.
type scanned struct {
	Matches []patterns.Match
	Cause   triage.Excerpt
}

// scanLog scans one log with a matcher as totto does (normalised by logs.Reader, the likely
// cause found in the same pass).
func scanLog(m *patterns.Matcher, l failureLog) (scanned, error) {
	rc, err := logs.Open(l.Path)
	if err != nil {
		return scanned{}, fmt.Errorf("open %s: %w", l.Path, err)
	}
	defer rc.Close()
	var s scanned
	fd := cause.NewFinder(cause.Options{})
	_, err = m.Scan(logs.NewReader(rc), patterns.ScanOptions{Job: l.Job, OnLine: fd.Add}, func(mt patterns.Match) error {
		s.Matches = append(s.Matches, mt)
		return nil
	})
	if err != nil {
		return scanned{}, fmt.Errorf("scan %s: %w", l.Path, err)
	}
	s.Cause = triage.Excerpt(fd.Excerpt())
	return s, nil
}
