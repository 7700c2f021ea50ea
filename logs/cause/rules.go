package cause

import (
	"bytes"
	"math/bits"
	"regexp"

	"github.com/totto-ci/totto/internal/keywords"
)

// kind says how a scored line relates to the lines around it, which decides where the excerpt
// window extends from it.
type kind uint8

const (
	// kindPoint is a self-contained failure line; context on both sides helps.
	kindPoint kind = iota
	// kindHeader opens a failure detail (a failed test's name, "Traceback"): the detail follows.
	kindHeader
	// kindTail closes a failure detail (a Python exception line): the detail precedes it.
	kindTail
	// kindSummary repeats a failure in a summary list; it points at the detail elsewhere.
	kindSummary
	// kindStepEnd is the CI saying a step or command failed: the cause is just before it.
	kindStepEnd
	// kindNoise is boilerplate that says nothing about the cause.
	kindNoise
)

// rule scores lines that match it. need holds literals of which at least one must occur in the
// line before the (slower) regular expression runs; rules are tried in order and the first match
// wins, so specific rules precede generic ones.
type rule struct {
	name   string
	need   [][]byte
	masks  []byteSet         // masks[i] holds the bytes of need[i]: a cheap test before bytes.Contains
	suffix []byte            // when set, the line (right-trimmed) must end with it
	gate   func([]byte) bool // when set, a cheap necessary condition of re (see gates.go)
	exact  func([]byte) bool // when set, answers what re answers, faster (see exact.go)
	re     *regexp.Regexp
	weight float64
	kind   kind
}

func r(name string, need []string, expr string, weight float64, k kind) rule {
	nb := make([][]byte, len(need))
	for i, n := range need {
		nb[i] = []byte(n)
	}
	ms := make([]byteSet, len(need))
	for i, n := range nb {
		ms[i] = setOf(n)
	}
	return rule{name: name, need: nb, masks: ms, re: regexp.MustCompile(expr), weight: weight, kind: k}
}

func words(w ...string) []string { return w }

// suffixed restricts ru to lines ending with suffix, which spares the regular expression on
// most lines.
func suffixed(ru rule, suffix string) rule {
	ru.suffix = []byte(suffix)
	return ru
}

// rules is the ordered table of line-scoring rules. Weights: 8–10 a line that names the cause in
// almost every ecosystem; 4–7 a strong hint; 1–3 a weak hint; negative boilerplate.
var rules = []rule{
	// Boilerplate first: these lines mention errors but never explain them.
	// Specific failure statements that may quote boilerplate ("exit status 1" in a Go test's
	// message, "npm ERR!" before a resolution error): they go before the boilerplate rules.
	r("go-test-assert", words("_test.go:"), `^\s+[\w.-]+_test\.go:\d+: \S`, 10, kindPoint),
	r("pkg-resolve", words("ERESOLVE", "E404", "ETARGET", "No matching version", "No matching distribution", "Could not resolve dependencies", "Could not find a version that satisfies", "Unable to locate package", "Couldn't find any versions", "ResolutionImpossible", "Could not find artifact", "Could not transfer artifact", "Failed to collect dependencies", "No match for argument", "Unable to find a match", "nothing provides", "unable to resolve dependency tree"),
		`(ERESOLVE|\bE404\b|ETARGET|No matching version found for|No matching distribution found|Could not resolve dependencies|Could not find a version that satisfies|Unable to locate package|Couldn't find any versions for|ResolutionImpossible|Could not find artifact|Could not transfer artifact|Failed to collect dependencies|No match for argument|Unable to find a match|nothing provides|unable to resolve dependency tree)`, 9, kindPoint),
	// PHP's run-tests.php shows a test's output as a numbered diff (NNN+ actual, NNN- expected)
	// before its verdict (FAIL, XFAIL); the verdict says whether the diff failed the run.
	r("phpt-diff", words("+ ", "- "), `^\d{3}[+-] `, 1, kindNoise),
	// A command killed from outside (timeout(1) exits 124, SIGKILL 137 as from the OOM killer,
	// SIGTERM 143): what it printed before says nothing of why, so the step's end is the cause.
	r("killed-exit", words("exited with 1", "exit code 1", "with code 1", "exit status 1"), `(" exited with|Process completed with exit code|^Exited with code( exit status)?) (124|137|143)\.?$`, 8, kindStepEnd),
	r("travis-exited", words("exited with"), `^(The command ".*)?" exited with [1-9]\d*\.?$`, -1, kindStepEnd),
	r("travis-done", words("Your build exited"), `Done\. Your build exited with`, -4, kindNoise),
	r("circleci-exited", words("Exited with"), `^Exited with (exit )?(code )?(exit (status|code) )?[1-9]\d*\.?$`, -2, kindStepEnd),
	r("gha-exit-code", words("Process completed with exit code"), `Process completed with exit code [1-9]`, -2, kindStepEnd),
	r("job-failed", words("Job failed"), `^ERROR: Job failed`, -3, kindStepEnd),
	r("exited-with", words("xited with", "xit status", "xit code", "non-zero exit"), `([Ee]xited with( code)?:? \d+|[Ee]xit (status|code):? \d+|returned non-zero exit status|[Pp]rocess exited with code)`, -2, kindNoise),
	// Wrappers' closing summaries (package builders, build drivers, linker drivers): a consequence
	// of a failure stated earlier.
	r("wrapper", words("xit status", "build stopped", "ELIFECYCLE", "recipe for target", "Errors while running CTest", "non-zero status", "non-zero code", "previous error", "previous exit", "One or more "), `([Bb]ad exit status|ninja: build stopped|ELIFECYCLE|recipe for target .* failed|Errors while running CTest|exited with non-zero status|returned a non-zero code|ld returned \d+ exit status|(due to|from) (\d+ )?previous (errors?|exit (code|status))|One or more (errors occurred|tests failed))`, -1, kindNoise),
	// A line that says only that something failed, without what (a build script's "*** Failed ***"):
	// the cause is stated before it.
	r("bare-verdict", words("ail", "AIL", "rror", "RROR"), `^[\s*=#>!-]*(FAILED|[Ff]ailed|FAIL|FAILURE|[Ff]ailure|ERROR|[Ee]rror)[\s*=#<!.-]*$`, -1, kindNoise),
	r("jest-console", words("● Console"), `^\s*● Console\s*$`, -2, kindNoise),
	r("skipped", words("skip", "SKIP", "Skip", "XFAIL", "xfail", "TODO", "pending", "ignored"), `(\b([Ss]kipped|SKIPPED|xfailed|XFAIL|pending|ignored)\b|^SKIP\b|^\s*TODO passed)`, -2, kindNoise),
	r("xtrace-exit", words("exit"), `^\++ exit [1-9]\d*\s*$`, 3, kindStepEnd),
	r("source-line", words("raise ", "throw "), `^\s+(raise|throw) \S`, 0.5, kindNoise),
	r("xtrace", words("+ "), `^\++ ([a-z_./$\[]|\[\[)`, 0.5, kindNoise),
	r("consequence", words("uild failed", "ubprocess", "ommand failed", "ompilation failed", "exited when", "erminated with"), `(\b[Bb]uild failed|[Ss]ubprocess exited|[Cc]ommand failed|[Cc]ompilation failed|exited when|[Tt]erminated with exit)`, 1, kindPoint),
	r("object-dump", words(": "), `^\s+['"]?\w+['"]?: .*[,{\[]$`, 0, kindNoise),
	r("make-stars", words("***"), `^g?make(\[\d+\])?: \*\*\*`, -1, kindNoise),
	r("npm-boiler", words("npm ERR!"), `npm ERR! (code |errno |syscall |A complete log|This is probably not a problem|Tell the author|You can get information|Failed at the|Exit status|\s*$|\s*/|not with npm|    )`, -3, kindNoise),
	r("yarn-exit", words("Command failed with exit code", "Visit https://yarnpkg"), `(error Command failed with exit code|info Visit https://yarnpkg)`, -3, kindNoise),
	r("maven-boiler", words("[ERROR]"), `^\[ERROR\]\s*($|-> \[Help|To see the full stack trace|Re-run Maven|For more information about|\[Help \d|After correcting the problems|Please refer to .* for the individual test results|There are test failures|mvn <args>|  mvn <goals>)`, -3, kindNoise),
	r("gradle-boiler", words("Try:", "--stacktrace", "--info", "--scan", "Get more help", "BUILD FAILED"), `^(\* Try:|> Run with --|Run with --(stacktrace|info|scan)|> Get more help|\* Get more help|BUILD FAILED in)`, -3, kindNoise),
	r("zero-failures", words("0 error", "0 fail", ": 0"), `(\b0 (errors?|failures?|failed)\b|[Ff]ailures: 0, [Ee]rrors: 0|[Ee]rrors: 0, [Ff]ailures: 0|\b([Ff]ailed|[Ff]ailures|FAILED|[Ff]ail): 0\b)`, -3, kindNoise),
	// A line saying only that there were none: "No errors found.", "errors: none".
	r("no-errors", words("o errors", "o failures", "rrors: ", "RRORS: ", "ailures: "), `^\W*([Nn]o (errors|failures)( found| detected| reported)?|([Ee]rrors|ERRORS|[Ff]ailures): (none|0))\W*$`, -3, kindNoise),
	// CMake's configure probes: a feature test that fails or a symbol not found is how CMake
	// learns what the platform has, not a failure.
	r("cmake-probe", words("-- "), `^-- (Performing Test|Looking for|Check(ing)? (for|if|whether|size of)|Detecting) .* - (Failed|not found|no)\s*$`, -2, kindNoise),
	suffixed(r("zero-counter", words("rror", "ailure", "imeout"), `\b([Ee]rrors?|[Ff]ailures?|[Tt]imeouts?)\s+0\s*$`, -3, kindNoise), " 0"),
	r("pytest-totals", words(" failed"), `^=+ .*\d+ failed.* =+$`, 4, kindSummary),
	r("passing", words("PASS", "✓", "✔", " ok", "passed"), `(^\s*(✓|✔)|\bPASS(ED)?\b|^ok\s|\.\.\. ok$|\d+ passed\b)`, -2, kindNoise),
	r("exit-status", words("exit status", "exit code", "Exit code"), `^\s*(exit status \d+|(E|e)xit code:? \d+)\s*$`, -1, kindNoise),
	r("post-step", words("Post ", "Cleaning up", "Cleanup", "cache"), `^(Post job cleanup|Cleaning up orphan processes|Post Run |store build cache|Cleaning up|changes detected, packing new archive|uploading archive|Evaluating .* cache)`, -3, kindNoise),

	// Compilers and type checkers: file:line:col: error.
	r("rust-error-code", words("error["), `error\[E\d{4}\]`, 10, kindHeader),
	r("cc-error", words("error"), `^\S.*:\d+(:\d+)?:\s+(fatal )?error:`, 10, kindPoint),
	r("msvc-error", words("error"), `\(\d+(,\d+)?\): (fatal )?error [A-Z]+\d+`, 10, kindPoint),
	r("ts-dotnet-error", words("error"), `\berror (TS|CS|FS|BC)\d+:`, 10, kindPoint),
	r("javac-maven", words("[ERROR]"), `^\[ERROR\] .*\.(java|kt|scala|groovy):\[?\d+`, 10, kindPoint),
	r("sbt-error", words("[error]"), `^\[error\] \S+\.\w+:\d+:`, 10, kindPoint),
	r("javac", words("error:"), `\.(java|kt|scala):\d+: error:`, 10, kindPoint),
	r("kotlin-error", words(".kt:", ".kts:"), `^e: \S+\.kts?(:\d+:\d+:? |: \(\d+, \d+\): )`, 10, kindPoint),
	r("linker", words("undefined reference", "multiple definition", "Undefined symbols", "symbol(s) not found", "unresolved external symbol", "cannot find -l", "undefined symbol: "), `(undefined reference to|multiple definition of|Undefined symbols for architecture|symbol\(s\) not found|unresolved external symbol|cannot find -l\S|error: undefined symbol: )`, 10, kindPoint),
	r("sanitizer", words("Sanitizer", "runtime error: "), `(==\d+==\s*ERROR: \w*Sanitizer|WARNING: \w*Sanitizer: |\.\w+:\d+:\d+: runtime error: )`, 10, kindHeader),
	r("kernel", words("Kernel panic", "BUG: ", "Oops", "KASAN", "UBSAN", "KCSAN", "KMSAN", "KFENCE", "general protection fault", "Unable to handle kernel", "WARNING: CPU:", "blocked for more than"), `(Kernel panic - not syncing|\bBUG: |\bOops: |\bOops\[|\b(KASAN|UBSAN|KCSAN|KMSAN|KFENCE): |general protection fault|Unable to handle kernel|WARNING: CPU: \d+ PID: \d+|INFO: task \S+ blocked for more than)`, 10, kindHeader),
	r("call-trace", words("Call Trace:", "Call trace:"), `^\s*(\[[\s\d.]+\]\s*)?Call [Tt]race:`, 4, kindTail),
	// A compiler command line's -Werror mentions "error" but states none; after the diagnostics
	// above, which name the flag that made a warning an error ("[-Werror=unused-variable]").
	r("werror-flag", words("-Werror", "-Wno-error", "-Werror="), `-W(no-)?error`, -3, kindNoise),
	// Terraform's diagnostics are boxed; the detail (file, line, explanation) follows the title.
	r("terraform-error", words("│ Error: "), `^│ Error: \S`, 9, kindHeader),
	r("cocoapods-lint", words("- ERROR |"), `^\s*- ERROR \| `, 9, kindPoint),
	r("flake8", words(".py:"), `^\S+\.py:\d+:\d+: [EFWCN]\d{3} `, 9, kindPoint),
	r("eslint", words("  error  "), `^\s+\d+:\d+\s+error\s+\S`, 9, kindPoint),
	r("js-lint", words(".js:", ".ts:", ".jsx:", ".tsx:", ".mjs:", ".cjs:", ".vue:"), `^\s+\S+\.(js|jsx|ts|tsx|mjs|cjs|vue):\d+:\d+: \S`, 9, kindPoint),
	// A linter's finding as "file:line[:col]: CODE…", a rule code of capitals and digits first
	// (markdownlint "MD012/no-multiple-blanks", pylint "C0114").
	r("lint-code", words(":"), `^\S+\.\w+: ?\d+(:\d+)?:? [A-Z]{1,4}\d{3,4}\b`, 8, kindPoint),
	r("rubocop", words(".rb:"), `^\S+\.rb:\d+:\d+: [CWEF]: `, 8, kindPoint),
	// Formatters in check mode: the files they would change are the failure.
	r("format-check", words("ould reformat", "Code style issues"), `^([Ww]ould reformat:? \S|\[warn\] Code style issues (were )?found)`, 8, kindPoint),
	r("shellcheck", words("SC"), `\^-+ SC\d{4}( \((error|warning|info|style)\))?: `, 8, kindPoint),
	r("shellcheck-in", words(" line "), `^In \S+ line \d+:$`, 5, kindHeader),
	r("go-build", words(".go:"), `^\S+\.go:\d+:\d+: `, 9, kindPoint),
	r("go-vet", words("undefined:", "declared and not used", "imported and not used"), `(undefined: |declared and not used|imported and not used)`, 7, kindPoint),

	// Test runners: the failure detail.
	r("pytest-failed", words("FAILED", "ERROR"), `^(FAILED|ERROR) \S+(::|\.py)`, 6, kindSummary),
	r("rspec-summary", words("rspec "), `^rspec \./\S+:\d+`, 6, kindSummary),
	r("mozilla", words("TEST-UNEXPECTED-", "PROCESS-CRASH"), `(TEST-UNEXPECTED-(FAIL|ERROR|TIMEOUT|CRASH|PASS|NOTRUN)|PROCESS-CRASH) \|`, 10, kindPoint),
	r("rspec-failure", words("Failure/Error:"), `^\s*Failure/Error: `, 9, kindPoint),
	r("unittest-header", words("FAIL: ", "ERROR: "), `^(FAIL|ERROR): \w+ \([\w.]+\)`, 8, kindHeader),
	r("phpunit-there-was", words("There was ", "There were "), `^There (was|were) \d+ (failures?|errors?):`, 6, kindHeader),
	r("dotnet-failed", words("Failed "), `^\s*Failed \S+ \[(\d+ m?s|< 1 ms)\]`, 9, kindHeader),
	r("ctest-test", words("***"), `Test +#\d+: \S+ .*\*\*\*(Failed|Exception|Timeout)`, 8, kindPoint),
	r("ctest-failed", words("The following tests FAILED"), `The following tests FAILED:`, 4, kindHeader),
	r("nextest", words("FAIL [", "SIGSEGV [", "SIGABRT [", "SIGKILL [", "TIMEOUT [", "ABORT ["), `^\s*(FAIL|SIGSEGV|SIGABRT|SIGKILL|TIMEOUT|ABORT) \[\s*[\d.]+s\] `, 9, kindHeader),
	r("cargo-stdout", words("---- "), `^---- \S+ stdout ----$`, 6, kindHeader),
	r("go-test-fail", words("--- FAIL"), `^\s*--- FAIL: `, 9, kindHeader),
	r("go-panic", words("panic:"), `^\s*panic: `, 9, kindPoint),
	r("rust-panic", words("panicked at"), `panicked at`, 10, kindPoint),
	r("pytest-e", words("E "), `^E\s{2,}\S`, 8, kindTail),
	r("pytest-header", words("___"), `^_{3,} .*\S.* _{3,}$`, 5, kindHeader),
	r("dotnet-fail", words("[FAIL]"), `\[FAIL\]`, 9, kindHeader),
	r("jest-bullet", words("●"), `^\s*● (?:Console)?\S`, 8, kindHeader),
	r("cross-mark", words("✕", "✖", "✗", "×", "❌"), `(^\s*(✕|✖|✗|×)\s|❌)`, 8, kindPoint),
	r("jest-fail-file", words("FAIL"), `^\s*FAIL\s+\S+\.(js|jsx|ts|tsx|mjs|cjs)\b`, 6, kindHeader),
	r("minitest", words("Failure:", "Error:"), `^\s*(\d+\) )?(Failure|Error):\s*$|^\s*(\d+\) )?(Failure|Error):\s*\S+(#|\.|::)\S+`, 8, kindHeader),
	r("elixir-test", words(") test "), `^\s+\d+\) test `, 9, kindHeader),
	r("numbered-failure", words(")"), `^\s*\d+\) \S+(::|#|\.)\S+`, 7, kindHeader),
	r("mocha-numbered", words(")"), `^\s+\d+\) \S`, 6, kindHeader),
	r("elixir-exception", words("** ("), `\*\* \(\w+(\.\w+)*\)`, 9, kindPoint),
	r("junit-failure", words("<<< FAIL", "<<< ERROR"), `<<< (FAILURE|ERROR)!`, 9, kindHeader),
	r("gradle-test", words("FAILED"), `^\S.* > .+ FAILED$`, 9, kindHeader),
	r("rspec-expected", words("expected", "Expected"), `^\s*(expected|Expected)(:| .*got)`, 6, kindPoint),
	// Expected-versus-actual lines of an assertion (xUnit's "Expected: 1" / "Actual: 0", NUnit's
	// "But was:", jest's "Expected value to equal:", "Received:").
	r("expected-actual", words("Expected", "Actual", "Received", "But was"), `^\s*(Expected|Actual|Received|But was)( value)?( to [\w ]+)?:(\s|$)`, 6, kindPoint),
	r("php-fatal", words("rror"), `(PHP )?(Fatal|Parse) error:`, 10, kindPoint),
	r("phpt-fail", words("FAIL "), `^FAIL .*\[.*\.phpt\]`, 9, kindTail),
	r("erlang-fail", words("failed on line", "Reason:"), `(failed on line \d+|^Reason: )`, 8, kindPoint),
	r("segfault", words("Segmentation fault", "core dumped", "SIGSEGV", "Aborted"), `(Segmentation fault|core dumped|SIGSEGV|^Aborted)`, 8, kindPoint),
	r("oom", words("ut of memory", "UT OF MEMORY", "OutOfMemory", "Killed", "No space left"), `([Oo]ut of memory|OUT OF MEMORY|OutOfMemory|^Killed\b|No space left on device)`, 8, kindPoint),
	r("cmake-error", words("CMake Error"), `CMake Error`, 9, kindHeader),
	r("dubious", words("Dubious", "Failed "), `(Dubious, test returned|^Failed \d+/\d+ (subtests|test programs))`, 7, kindPoint),
	r("not-ok", words("not ok"), `^\s*not ok \d+`, 8, kindPoint),

	// Exceptions: the final line of a traceback names the cause.
	r("traceback", words("Traceback"), `^\s*Traceback \(most recent call last\)`, 5, kindHeader),
	// A JVM exception (reverse-domain package) opens its stack trace; passing tests log them too,
	// so it ranks below the harness's own failure marker (<<< FAILURE!, Test > x FAILED).
	r("java-exception", words("Exception", "Error"), `^\s*(Caused by: )?(java|javax|jakarta|kotlin|kotlinx|scala|groovy|clojure|org|com|net|io|android|androidx|sun|jdk)\.([\w$]+\.)*[A-Z][\w$]*(Exception|Error)(:|$)`, 7, kindPoint),
	r("py-exception", words("Error", "Exception", "Interrupt", "Exit", "Failure"), `^\s*([A-Za-z_][\w.]*\.)?[A-Z]\w*(Error|Exception|Interrupt|Exit|Failure)(:\s|$)`, 9, kindTail),
	r("assert", words("ssert"), `(AssertionError|AssertionFailedError|ComparisonFailure|Assert\.\w+\(\) Failure|(?i:assertion failed)|Failed asserting|(?i:assert(ion)? .* failed))`, 7, kindPoint),
	r("keyboard-interrupt", words("KeyboardInterrupt", "Interrupted"), `(KeyboardInterrupt|^!+ Interrupted)`, 7, kindPoint),

	// Summaries: they repeat the failure; the detail is elsewhere but they help when it is not.
	r("go-fail-pkg", words("FAIL"), `^FAIL\s+\S+\s+\d+(\.\d+)?s\s*$`, 4, kindSummary),
	r("tests-run-failures", words("Tests run:", "Tests: "), `(Tests run: \d+, Failures: \d+, Errors: \d+|Tests: .*\d+ failed)`, 5, kindSummary),
	r("maven-goal", words("Failed to execute goal"), `Failed to execute goal`, 4, kindSummary),
	r("gradle-task", words("Execution failed for task", "What went wrong"), `(Execution failed for task|What went wrong:)`, 7, kindPoint),
	r("gradle-build-failed", words("FAILURE:", "BUILD FAILURE"), `(FAILURE: Build failed|BUILD FAILURE)`, 2, kindSummary),
	r("task-failed", words("FAILED"), `(^> Task \S+ FAILED|^FAILED: )`, 6, kindPoint),
	r("failures-heading", words("Failures:", "failures:", "FAILURES", "Failed tests", "Errors:"), `^\s*(Failures:|failures:|=+ FAILURES =+|FAILURES!|Failed tests:|Tests in error:|Errors:)\s*$`, 4, kindHeader),
	r("tap-summary", words("Wstat:"), `\(Wstat: \d+ Tests: \d+ Failed: [1-9]`, 5, kindSummary),
	r("unittest-totals", words("FAILED ("), `^FAILED \((failures|errors)=\d+`, 4, kindSummary),
	r("rust-test-result", words("test result: FAILED"), `test result: FAILED`, 4, kindSummary),
	r("npm-err", words("npm ERR!"), `npm ERR! `, 2, kindPoint),
	// A verdict first, then what failed: automake's and DejaGnu's "FAIL: test", jest's "FAIL
	// file", GoogleTest's "[  FAILED  ] Suite.Test". More specific shapes of it come earlier; a
	// heading in capitals ("FAILED TEST SUMMARY") names no test.
	r("verdict-first", words("FAIL"), `^\s*((FAIL|FAILED)(:\s*|\s+)|\[\s+FAILED\s+\]\s+)\S*[a-z./_-]`, 6, kindHeader),
	r("status-at-end", words("ERROR", "FAILED", "FAIL", "FAILURE"), `\S.*\b(ERROR|FAILED|FAIL|FAILURE)!?\s*$`, 6, kindHeader),

	// Generic wording: weak hints everywhere.
	r("fatal", words("fatal", "FATAL", "Fatal"), `\b(fatal|FATAL|Fatal)\b`, 6, kindPoint),
	r("error-prefix", words("rror", "RROR"), `^\s*(\[?(ERROR|Error|error)\]?|ERR!?)(:|\s+[^=\s]|\s+$)`, 6, kindPoint),
	r("command-not-found", words("not found", "No such file", "Permission denied", "cannot open", "could not be found"), `(command not found|No such file or directory|Permission denied|cannot open|could not be found|: not found)`, 6, kindPoint),
	r("could-not", words("ould not", "OULD NOT", "ouldn't", "annot", "ANNOT", "an't", "nable to", "NABLE TO", "ailed to", "AILED TO"), `\b([Cc]ould not|[Cc]ouldn't|[Cc]annot|[Cc]an't|[Uu]nable to|[Ff]ailed to|COULD NOT|CANNOT|UNABLE TO|FAILED TO)\b`, 4, kindPoint),
	r("error-word", words("rror", "RROR"), `(^|[^\w./-])([Ee]rrors?|ERRORS?)([^\w./-]|$)`, 4, kindPoint),
	r("fail-word", words("ail", "AIL"), `(^|[^\w./-])([Ff]ail(ed|ure|ing)?|FAIL(ED|URE|ING)?)([^\w./-]|$)`, 3, kindPoint),
	r("exception-word", words("xception", "XCEPTION"), `[Ee]xception|EXCEPTION`, 3, kindPoint),
	r("timeout", words("imed out", "IMED OUT", "imeout", "imeOut", "TIMEOUT", "eadline exceeded"), `([Tt]imed out|TIMED OUT|[Tt]ime[Oo]ut|TIMEOUT|[Dd]eadline exceeded)`, 3, kindPoint),
	r("weak-words", words("nvalid", "NVALID", "ndefined", "NDEFINED", "nexpected", "NEXPECTED", "issing", "ISSING", "enied", "ENIED", "efused", "EFUSED", "ot found", "OT FOUND", "ismatch", "oes not", "oesn't", "ot allowed", "ot supported", "ot defined", "nknown", "NKNOWN", "xceeded"), `\b([Ii]nvalid|[Uu]ndefined|[Uu]nexpected|[Mm]issing|[Dd]enied|[Rr]efused|[Nn]ot found|[Mm]ismatch|[Dd]oes not|[Dd]oesn't|[Nn]ot allowed|[Nn]ot supported|[Nn]ot defined|[Uu]nknown|[Ee]xceeded|INVALID|UNDEFINED|UNEXPECTED|MISSING|DENIED|REFUSED|NOT FOUND|UNKNOWN)\b`, 2, kindPoint),
	r("warning", words("arn", "ARN", "eprecat", "EPRECAT"), `\b([Ww]arn(ing)?|WARN(ING)?)\b|[Dd]eprecat|DEPRECAT`, -1, kindNoise),
}

// maxScoredBytes bounds the part of a line the rules look at: a message says what it is about
// early, and regular expressions on megabyte lines would cost more than the rest of the scan.
// Memos filled by the pattern matcher's pass know the keywords of that part too.
const maxScoredBytes = keywords.HeadLimit

// scoreText returns the weight and kind of a cleaned line and the name of the rule that matched
// ("" when none did).
func scoreText(text []byte) (float64, kind, string) {
	w, k, i := scoreRule(text)
	if i < 0 {
		return w, k, ""
	}
	return w, k, rules[i].name
}

// scoreRule is scoreText returning the index of the rule in rules (-1 when none matched). It
// returns what scoreRuleReference returns, but runs a rule's regular expression only when the
// line holds one of the rule's literals (found for all rules at once by keywords) and passes the
// rule's gate.
func scoreRule(text []byte) (float64, kind, int) { return scoreLine(text, nil) }

// scoreLine is scoreRule taking the line's keywords from memo when it holds them (see
// keywords.Memo): the failing-test extractor reading the same line then scans it no more.
func scoreLine(text []byte, memo *keywords.Memo) (float64, kind, int) {
	if len(bytes.TrimSpace(text)) == 0 {
		return 0, kindNoise, -1
	}
	cand := ruleKeywords.ScanLine(memo, text, maxScoredBytes)
	if len(text) > maxScoredBytes {
		text = text[:maxScoredBytes]
	}
	cand.Union(everywhere)
	for _, i := range shapedRules {
		if ru := &rules[i]; ru.gate(text) && ru.holdsNeed(text) {
			cand.Add(i)
		}
	}
	for w, word := range cand {
		for word != 0 {
			i := w<<6 | bits.TrailingZeros64(word)
			word &= word - 1
			ru := &rules[i]
			if ru.suffix != nil && !bytes.HasSuffix(bytes.TrimRight(text, " \t"), ru.suffix) {
				continue
			}
			if ru.gate != nil && !shaped.Has(i) && !ru.gate(text) {
				continue
			}
			if ru.exact != nil {
				if ru.exact(text) {
					return ru.weight, ru.kind, i
				}
				continue
			}
			if ru.re.Match(text) {
				return ru.weight, ru.kind, i
			}
		}
	}
	return 0, kindPoint, -1
}

var (
	// ruleKeywords finds the rules whose literals a line holds (member i is rules[i]).
	ruleKeywords *keywords.Family
	// everywhere holds the rules without literals, tried on every line.
	everywhere keywords.Set
)

// scoreRuleReference is the plain definition of scoreRule: every rule in order, each tested for
// its literals and then its regular expression. It is kept as the reference that scoreRule's
// shortcuts are checked against.
func scoreRuleReference(text []byte) (float64, kind, int) {
	if len(bytes.TrimSpace(text)) == 0 {
		return 0, kindNoise, -1
	}
	if len(text) > maxScoredBytes {
		text = text[:maxScoredBytes]
	}
	present := setOf(text)
	for i := range rules {
		ru := &rules[i]
		if !ru.mayMatch(text, present) {
			continue
		}
		if ru.re.Match(text) {
			return ru.weight, ru.kind, i
		}
	}
	return 0, kindPoint, -1
}

// mayMatch reports whether one of the rule's literals occurs in text; present is setOf(text).
func (ru *rule) mayMatch(text []byte, present byteSet) bool {
	if ru.suffix != nil && !bytes.HasSuffix(bytes.TrimRight(text, " \t"), ru.suffix) {
		return false
	}
	if len(ru.need) == 0 {
		return true
	}
	for i, n := range ru.need {
		if ru.masks[i].subsetOf(present) && bytes.Contains(text, n) {
			return true
		}
	}
	return false
}

// holdsNeed reports whether one of the rule's literals occurs in text (or it has none).
func (ru *rule) holdsNeed(text []byte) bool {
	if len(ru.need) == 0 {
		return true
	}
	for _, n := range ru.need {
		if bytes.Contains(text, n) {
			return true
		}
	}
	return false
}

// byteSet is a set of byte values; non-ASCII bytes share one bit, which keeps the test exact
// in the direction that matters (a literal is never wrongly ruled out).
type byteSet [2]uint64

func setOf(b []byte) byteSet {
	var s byteSet
	for _, c := range b {
		if c >= 128 {
			c = 127
		}
		s[c>>6] |= 1 << (c & 63)
	}
	return s
}

func (s byteSet) subsetOf(o byteSet) bool {
	return s[0]&^o[0] == 0 && s[1]&^o[1] == 0
}
