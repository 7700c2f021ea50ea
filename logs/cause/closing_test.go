package cause

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClosingStatementBlock checks, on real log windows of five ecosystems, that the excerpt shows
// the failing step's closing statement beside the root cause when the cause's block does not
// reach it, and that the cause line is the one shown without it. Every window is cut from the corpus:
// closing-pip.log is PyTorch dev's pip_wheel_build_failure, closing-make.log LogChunks dev's
// erlang@otp 553211512 (xmllint under nested make), closing-cargo.log redox-os@redox 371852012
// (its first two rustc errors, lines 2080–2110, and what follows the last one, 2147–2160), closing-go.log CiDiff dev's Quick_Checks/run259 (go test on
// GitHub Actions), closing-npm.log twbs@bootstrap 567309401 (a lint script under npm-run-all).
func TestClosingStatementBlock(t *testing.T) {
	tests := []struct {
		file, cause, closing string
	}{
		{"closing-pip.log", "CMake Error at", "ERROR: Failed building wheel for torchcomms"},
		// Each make level prints its own summary; the innermost names the most specific target.
		{"closing-make.log", "erl_parse.xml:72: element name: validity error", "make[3]: *** [xmllint] Error 4"},
		// "aborting due to 6 previous errors" and make's lines close the step too; cargo's line
		// names the crate and is rated above them.
		{"closing-cargo.log", "error[E0407]: method `oom`", "error: Could not compile `linked_list_allocator`."},
		{"closing-go.log", "eval_variable_test.go:628: wrong error", "FAIL\tgithub.com/hashicorp/terraform/internal/terraform\t5.376s"},
		{"closing-npm.log", "Variable $bd-warning is not being used!", "npm ERR! code ELIFECYCLE"},
	}
	for _, tc := range tests {
		t.Run(tc.file, func(t *testing.T) {
			b, err := os.ReadFile(filepath.Join("testdata", tc.file))
			if err != nil {
				t.Fatal(err)
			}
			text := string(b)
			causeNum := lineOf(t, text, tc.cause)
			closeNum := lastLineOf(t, text, tc.closing)
			on, off := DefaultParams(), DefaultParams()
			on.ClosingLines, off.ClosingLines = 1, 0
			exOff, _ := excerptOf(t, text, Options{Params: &off})
			exOn, _ := excerptOf(t, text, Options{Params: &on})
			if exOn.Cause != exOff.Cause || !covers(exOn, causeNum) {
				t.Errorf("cause line %d without the closing block, %d with it in %v; want it unchanged and the root cause at line %d (%q) shown", exOff.Cause, exOn.Cause, exOn.Ranges, causeNum, tc.cause)
			}
			if covers(exOff, closeNum) {
				t.Fatalf("the excerpt %v holds line %d without a closing block: the window does not test it", exOff.Ranges, closeNum)
			}
			if !covers(exOn, closeNum) {
				t.Errorf("excerpt %v lacks the closing statement at line %d (%q)", exOn.Ranges, closeNum, tc.closing)
			}
			if n := nonBlank(exOn); n > 10 {
				t.Errorf("excerpt holds %d non-blank lines, want at most 10", n)
			}
		})
	}
}

// TestClosingStatementInsideCauseBlock checks that no line is spent on a closing statement the
// cause's block already shows (make's summary right after the Go analyser's error).
func TestClosingStatementInsideCauseBlock(t *testing.T) {
	log := strings.Join([]string{
		"==> Checking that code complies with static analysis requirements...",
		"==> Checking for switch statement exhaustiveness...",
		"/home/runner/work/terraform/terraform/internal/command/views/json/change.go:85:2: missing cases in switch of type plans.ResourceInstanceChangeActionReason: ResourceInstanceDeleteBecauseNoMoveTarget",
		"exit status 3",
		"make: *** [Makefile:27: exhaustive] Error 1",
		"##[error]Process completed with exit code 2.",
	}, "\n")
	p := DefaultParams()
	p.ClosingLines = 1
	ex, _ := excerptOf(t, log, Options{Params: &p})
	if len(ex.Ranges) != 1 || !covers(ex, 5) || ex.Cause != 3 {
		t.Errorf("excerpt %v cause %d, want one block holding make's line 5, cause line 3", ex.Ranges, ex.Cause)
	}
}

// lastLineOf returns the 1-based number of the last line of text containing s.
func lastLineOf(t testing.TB, text, s string) int {
	t.Helper()
	ls := strings.Split(text, "\n")
	for i := len(ls) - 1; i >= 0; i-- {
		if strings.Contains(ls[i], s) {
			return i + 1
		}
	}
	t.Fatalf("%q not in log", s)
	return 0
}

func nonBlank(e Excerpt) int {
	n := 0
	for _, l := range e.Lines {
		if strings.TrimSpace(l) != "" {
			n++
		}
	}
	return n
}

// TestCauseLineStaysInItsBlock checks that a header's cause line is looked for in the header's
// own block only: a strong line right after it, shown as the closing statement, is a consequence.
func TestCauseLineStaysInItsBlock(t *testing.T) {
	texts := []string{"--- FAIL: TestParse (0.00s)", "=== RUN   TestParse/empty", "panic: runtime error: index out of range [3] with length 3"}
	best := &candidate{}
	for i, text := range texts {
		e := entry{num: 40 + i, text: text}
		e.score, e.kind, e.rule = scoreRule([]byte(text))
		best.ctx = append(best.ctx, e)
	}
	best.entry = best.ctx[0]
	if best.kind != kindHeader || best.ctx[2].kind != kindPoint {
		t.Fatalf("kinds %d, %d: want a header and a failure line", best.kind, best.ctx[2].kind)
	}
	if got := causeLine(best, 1); got != 40 {
		t.Errorf("cause line %d with the block ending at line 41, want the header's 40", got)
	}
	if got := causeLine(best, 2); got != 42 {
		t.Errorf("cause line %d with the block holding the panic, want 42", got)
	}
}

// TestClosingStatementAgainstHistory checks that a failure line the job's passing run printed too
// is not taken for the failing step's closing statement: it did not fail the step.
func TestClosingStatementAgainstHistory(t *testing.T) {
	common := []string{"Run make check"}
	for i := range 20 {
		common = append(common, fmt.Sprintf("checking module m%02d ... done", i))
	}
	tail := []string{"error: could not read ~/.config/tool.toml, using defaults", "cleaning up"}
	pass := strings.Join(append(append(append([]string{}, common...), tail...), "Process completed with exit code 0."), "\n")
	fail := strings.Join(append(append(append(append([]string{}, common[:3]...),
		"CMake Error at CMakeLists.txt:136 (find_package):"), common[3:]...), append(tail, "##[error]Process completed with exit code 1.")...), "\n")
	closing := lineOf(t, fail, "could not read")
	p := DefaultParams()
	p.ClosingLines = 1
	alone := excerptOfText(fail, Options{Params: &p})
	if !covers(alone, closing) {
		t.Fatalf("judged alone, excerpt %v lacks the closing statement at line %d: the log tests nothing", alone.Ranges, closing)
	}
	withHistory := excerptOfText(fail, Options{Params: &p, History: fingerprintOfText(pass)})
	if covers(withHistory, closing) || len(withHistory.Ranges) != 1 {
		t.Errorf("with the passing run's fingerprint the excerpt %v still shows line %d, which that run printed too", withHistory.Ranges, closing)
	}
	if cause := lineOf(t, fail, "CMake Error"); alone.Cause != cause || withHistory.Cause != cause {
		t.Errorf("cause lines %d and %d, want %d", alone.Cause, withHistory.Cause, cause)
	}
}
