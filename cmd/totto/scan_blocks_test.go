package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// An excerpt in blocks (the cause, then pip's closing statement) is shown as blocks by every
// output format: the JSON ranges, the text and markdown outputs with "…" between them, and the
// same cause line.
func TestScanExcerptBlocks(t *testing.T) {
	log := filepath.Join("..", "..", "logs", "cause", "testdata", "closing-pip.log")
	run := func(format string) string {
		t.Helper()
		code, out, errs := runPatternsCmd(t, "", "scan", "--builtin=false", "--format", format, log)
		if code != exitOK && code != exitFindings {
			t.Fatalf("%s: exit %d, stderr %s", format, code, errs)
		}
		return out
	}
	var res struct {
		LikelyCause likelyCauseJSON `json:"likely_cause"`
	}
	if err := json.Unmarshal([]byte(run("json")), &res); err != nil {
		t.Fatal(err)
	}
	lc := res.LikelyCause
	if len(lc.Ranges) < 2 || lc.CauseLine != 6 {
		t.Fatalf("likely cause ranges %v, cause line %d; want two blocks and the CMake error (line 6)", lc.Ranges, lc.CauseLine)
	}

	text := run("text")
	if !strings.Contains(text, "likely cause (lines "+rangesText(lc.Ranges, "-")+"):") {
		t.Errorf("text output does not name the ranges %v:\n%s", lc.Ranges, text)
	}
	cause := strings.Index(text, "    >       CMake Error at")
	gap := strings.Index(text, "\n    …\n")
	closing := strings.Index(text, "ERROR: Failed building wheel for torchcomms")
	if cause < 0 || gap < cause || closing < gap {
		t.Errorf("text output: want the marked cause line, then \"…\", then pip's closing statement:\n%s", text)
	}

	md := run("markdown")
	if !strings.Contains(md, "Likely cause, lines "+rangesText(lc.Ranges, "–")+":") || !strings.Contains(md, "\n…\n") {
		t.Errorf("markdown output lacks the ranges or the gap between blocks:\n%s", md)
	}
}
