package cause

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// TestScoreTextHarnesses checks each harness, toolchain, kernel, package-manager and linter rule
// on a real line: from the corpus where it holds one (file named), else from public CI logs and
// bug reports of the tool concerned.
func TestScoreTextHarnesses(t *testing.T) {
	tests := []struct {
		name, line, wantRule string
		minScore             float64
		wantKind             kind
	}{
		// cidiff-dev Quick_Checks/run131: a Go test's message quoting "exit status".
		{"go test message", "    providers_tamper_test.go:76: unexpected init error: exit status 1", "go-test-assert", 10, kindPoint},
		{"go test message 2", "    backend_apply_test.go:566: expected no unused answers, got: map[approve:no]", "go-test-assert", 10, kindPoint},
		// treeherder/mochitest-fail, xpcshell-crash (the reader leaves Mozilla's own prefix).
		{"mozilla unexpected", "[task 2025-02-13T11:00:27.837Z] 11:00:27     INFO - TEST-UNEXPECTED-FAIL | devtools/client/webconsole/test/browser/browser_console_enable_network_monitoring.js | A promise chain failed to handle a rejection", "mozilla", 10, kindPoint},
		{"mozilla crash", "[task 2025-02-13T21:36:55.363Z] 21:36:55  WARNING -  PROCESS-CRASH | application crashed [@ libsystem_kernel.dylib + 0x0000000000000dfa] | dom/base/test/unit_ipc/test_bug553888_wrap.js", "mozilla", 10, kindPoint},
		// treeherder/asan_too_large.
		{"asan", "PID 16211 | ==16211==ERROR: AddressSanitizer: heap-use-after-free on address 0x512000dacef0 at pc 0x7f5f778257ff bp 0x7fff65bbc1b0 sp 0x7fff65bbc1a8", "sanitizer", 10, kindHeader},
		{"ubsan runtime", "src/hash.c:112:17: runtime error: left shift of 1 by 31 places cannot be represented in type 'int'", "sanitizer", 10, kindHeader},
		{"tsan", "WARNING: ThreadSanitizer: data race (pid=9337)", "sanitizer", 10, kindHeader},
		// logchunks-dev purescript@purescript 574008409: a warning made an error names its flag.
		{"ghc werror", "/home/travis/build/purescript/purescript/sdist-test/src/Language/PureScript/TypeChecker/Types.hs:40:1: error: [-Wunused-imports, -Werror=unused-imports]", "cc-error", 10, kindPoint},
		{"gcc werror", "src/parse.c:88:9: error: unused variable 'n' [-Werror=unused-variable]", "cc-error", 10, kindPoint},
		// Kotlin's compiler under Gradle (GitHub Actions Android builds, as quoted in public reports),
		// in its current and its older shape.
		{"kotlin", "e: file:///home/runner/work/app/app/src/main/java/com/example/SmsReceiver.kt:32:46 Unresolved reference: getMessages", "kotlin-error", 10, kindPoint},
		{"kotlin old", "e: /home/travis/build/app/src/main/kotlin/Main.kt: (12, 5): Unresolved reference: foo", "kotlin-error", 10, kindPoint},
		// Linker errors (GNU ld, as in kernel and Open MPI build reports).
		{"undefined reference", "vfio_pci_zdev.c:(.text+0x242): undefined reference to `kvm_s390_pci_register_kvm'", "linker", 10, kindPoint},
		{"ld undefined", "/usr/src/linux/kernel/crash_dump_dm_crypt.c:250:(.text+0x228028): undefined reference to `config_item_init_type_name'", "linker", 10, kindPoint},
		{"multiple definition", "/usr/bin/ld: b.o:(.bss+0x0): multiple definition of `counter'; a.o:(.bss+0x0): first defined here", "linker", 10, kindPoint},
		{"macos undefined", "Undefined symbols for architecture arm64:", "linker", 10, kindPoint},
		// treeherder/build-fail: LLVM's linker (lld, as ld.lld and lld-link; mold says the same).
		{"lld undefined", "[task 2025-02-13T21:47:57.553Z] 21:47:57    ERROR -    = note: lld-link: error: undefined symbol: PropVariantCompareEx", "linker", 10, kindPoint},
		// treeherder/build-fail, logchunks-dev scala@scala 566866822, erlang@otp 550114180: a line
		// pointing back at earlier errors is their consequence.
		{"cargo could not compile", "[task 2025-02-13T21:47:57.564Z] 21:47:57    ERROR -  error: could not compile `crashreporter` (bin \"crashreporter\") due to 1 previous error", "wrapper", -10, kindNoise},
		{"tar previous errors", "tar: Exiting with failure status due to previous errors", "wrapper", -10, kindNoise},
		// logchunks-dev jekyll@jekyll 557871100 (Travis after_script after a failed script) and
		// NancyFx@Nancy 375800180 (.NET's AggregateException message, from the Cake build driver).
		{"previous exit code", "Error: will not run after-build due to previous exit code of 1", "wrapper", -10, kindNoise},
		{"one or more errors", "Error: One or more errors occurred.", "wrapper", -10, kindNoise},
		{"one or more tests failed", "\tOne or more tests failed during execution of: Nancy.Testing.Tests.csproj", "wrapper", -10, kindNoise},
		// A Lua table dump (logchunks-dev luvit@luvit 164750101): "error" is a key, not a message
		// prefix, so it is the weak generic word.
		{"error key in a dump", "      error = { function: 0x14bbdc00 }, ", "error-word", 0, kindPoint},
		{"error prefix", "ERROR   could not open /etc/app.conf", "error-prefix", 6, kindPoint},
		// Expected-versus-actual lines: xUnit (NancyFx@Nancy 375800180), jest (postcss@autoprefixer
		// 460085832), NUnit and testify as their documentation shows them.
		{"xunit expected", "      Expected: 1", "rspec-expected", 6, kindPoint},
		{"xunit actual", "      Actual:   0", "expected-actual", 6, kindPoint},
		{"jest expected", "    Expected value to equal:", "expected-actual", 6, kindPoint},
		{"nunit but was", "  But was:  \"bar\"", "expected-actual", 6, kindPoint},
		// A verdict first: automake/DejaGnu-style "FAIL: name" (cmusatyalab@openface 196472359),
		// "FAILED path" (composer@composer 547576002), GoogleTest's bracketed verdict.
		{"verdict colon", "FAIL: tests.openface_batch_represent_tests.test_batch_represent", "verdict-first", 6, kindHeader},
		{"verdict path", "FAILED tests/Composer/Test/DependencyResolver", "verdict-first", 6, kindHeader},
		{"gtest failed", "[  FAILED  ] ParserTest.RejectsEmptyInput (3 ms)", "verdict-first", 6, kindHeader},
		{"summary heading", "FAILED TEST SUMMARY", "fail-word", 0, kindPoint},
		// Kernels (syzbot, LAVA and LTP reports).
		{"kernel panic", "[    8.384415] Kernel panic - not syncing: Fatal exception in interrupt", "kernel", 10, kindHeader},
		{"kasan", "[  805.338188] BUG: KASAN: use-after-free in zap_page_range+0x7c/0x270", "kernel", 10, kindHeader},
		{"kernel null", "[   12.004211] BUG: unable to handle kernel NULL pointer dereference at 0000000000000008", "kernel", 10, kindHeader},
		{"kernel warning", "[   40.112341] WARNING: CPU: 1 PID: 281 at drivers/gpu/drm/drm_atomic.c:1630 drm_atomic_check_only+0x5c1/0x8b0", "kernel", 10, kindHeader},
		{"oops", "[  212.331090] Oops: 0000 [#1] PREEMPT SMP NOPTI", "kernel", 10, kindHeader},
		{"call trace", "[  805.345102] Call Trace:", "call-trace", 4, kindTail},
		{"debug is not BUG", "DEBUG: Rule 'rules_cuda' indicated that a canonical reproducible form can be obtained", "", 0, kindPoint},
		// logchunks-dev purescript@purescript 549434310: a step killed by timeout(1); its output
		// before the end is ordinary progress.
		{"killed by timeout", `The command "$TIMEOUT 35m ci/build.sh" exited with 124.`, "killed-exit", 8, kindStepEnd},
		{"killed on github", "Process completed with exit code 137.", "killed-exit", 8, kindStepEnd},
		{"killed on circleci", "Exited with code 143", "killed-exit", 8, kindStepEnd},
		{"ordinary exit is no cause", `The command "test/run !" exited with 1.`, "travis-exited", -1, kindStepEnd},
		// The end of CircleCI's failing step (api/circleci/fixtures step outputs).
		{"circleci exited", "Exited with code exit status 1", "circleci-exited", -2, kindStepEnd},
		{"circleci exited 2", "Exited with code 1", "circleci-exited", -2, kindStepEnd},
		// Test harnesses.
		{"rspec failure", "     Failure/Error: expect(user.valid?).to be true", "rspec-failure", 9, kindPoint},
		{"unittest header", "FAIL: test_parse_empty (tests.test_parser.ParserTest)", "unittest-header", 8, kindHeader},
		{"unittest totals", "FAILED (failures=2, errors=1)", "unittest-totals", 4, kindSummary},
		// logchunks-dev composer@composer.
		{"phpunit there was", "There was 1 failure:", "phpunit-there-was", 6, kindHeader},
		// logchunks-dev php@php-src 529279089: run-tests.php's verdict after a test's diff; the
		// diff's lines quote output (NNN+ actual, NNN- expected) and only the verdict says it failed.
		{"phpt verdict", "FAIL Bug #60120 (proc_open hangs when data in stdin/out/err is getting larger or equal to 2048) [ext/standard/tests/file/bug60120.phpt] ", "phpt-fail", 9, kindTail},
		{"phpt expected output", "001- Fatal error: Call to protected method B1::f() from context 'B2' in %s on line %d", "phpt-diff", -10, kindNoise},
		{"phpt actual output", "001+ Fatal error: Uncaught BadMethodCallException: phar \"/home/travis/build/php/php-src/ext/phar/tests/bug69958.tar\" exists", "phpt-diff", -10, kindNoise},
		{"dotnet failed", "  Failed Calculator.Tests.AddTests.AddsNegatives [12 ms]", "dotnet-failed", 9, kindHeader},
		{"ctest test", "3/12 Test  #3: parser_tests .....................***Failed    0.05 sec", "ctest-test", 8, kindPoint},
		{"ctest list", "The following tests FAILED:", "ctest-failed", 4, kindHeader},
		{"nextest", "        FAIL [   0.004s] mycrate::tests::parses_empty", "nextest", 9, kindHeader},
		{"cargo stdout", "---- tests::parses_empty stdout ----", "cargo-stdout", 6, kindHeader},
		{"jest console is noise", "  ● Console", "jest-console", -10, kindNoise},
		// Package managers.
		{"npm eresolve", "npm ERR! ERESOLVE unable to resolve dependency tree", "pkg-resolve", 9, kindPoint},
		{"npm e404", "npm ERR! code E404", "pkg-resolve", 9, kindPoint},
		{"pip", "ERROR: Could not find a version that satisfies the requirement torch==9.9 (from versions: none)", "pkg-resolve", 9, kindPoint},
		{"pip no dist", "ERROR: No matching distribution found for torch==9.9", "pkg-resolve", 9, kindPoint},
		{"apt", "E: Unable to locate package python3-venv", "pkg-resolve", 9, kindPoint},
		{"dnf", "No match for argument: python3-foo", "pkg-resolve", 9, kindPoint},
		{"maven resolution", "[ERROR] Failed to execute goal on project app: Could not resolve dependencies for project com.acme:app:jar:1.0: Could not find artifact com.acme:lib:jar:2.0 in central", "pkg-resolve", 9, kindPoint},
		// logchunks-dev ReactiveCocoa@ReactiveCocoa 522133183: CocoaPods' spec validation marker.
		{"cocoapods lint", `    - ERROR | [OSX] unknown: Encountered an unknown error (CocoaPods could not find compatible versions for pod "ReactiveCocoa":`, "cocoapods-lint", 9, kindPoint},
		// Terraform's boxed diagnostic, as `terraform plan` and `validate` print it (public bug
		// reports of providers).
		{"terraform", "│ Error: Unsupported argument", "terraform-error", 9, kindHeader},
		{"terraform warning", "│ Warning: Argument is deprecated", "warning", -10, kindNoise},
		// Linters.
		{"flake8", "./src/app/views.py:12:1: F401 'os' imported but unused", "flake8", 9, kindPoint},
		{"eslint", "  12:5  error  'foo' is not defined  no-undef", "eslint", 9, kindPoint},
		{"standard", "  /home/circleci/repo/lib/bot.js:14:3: Expected '===' and instead saw '=='.", "js-lint", 9, kindPoint},
		// markdownlint (logchunks-dev airbnb@javascript 556132210, tldr-pages@tldr), and pylint
		// as its documentation shows it.
		{"markdownlint", "react/README.md: 29: MD012/no-multiple-blanks Multiple consecutive blank lines [Expected: 1; Actual: 2]", "lint-code", 8, kindPoint},
		{"pylint", "src/app/main.py:1:0: C0114: Missing module docstring (missing-module-docstring)", "lint-code", 8, kindPoint},
		{"not a code", "src/app/main.py:12: note: Revealed type is int", "", 0, kindPoint},
		{"rubocop", "app/models/user.rb:3:81: C: Layout/LineLength: Line is too long. [95/80]", "rubocop", 8, kindPoint},
		// black --check and prettier --check in GitHub Actions (as quoted in public CI reports).
		{"black", "would reformat /home/runner/work/app/app/backend/main.py", "format-check", 8, kindPoint},
		{"prettier", "[warn] Code style issues found in the above file. Run Prettier with --write to fix.", "format-check", 8, kindPoint},
		{"prettier files", "[warn] Code style issues found in 7 files. Run Prettier with --write to fix.", "format-check", 8, kindPoint},
		{"shellcheck", "  ^-- SC2086 (info): Double quote to prevent globbing and word splitting.", "shellcheck", 8, kindPoint},
		{"shellcheck file", "In scripts/build.sh line 12:", "shellcheck-in", 5, kindHeader},
		{"golangci-lint", "pkg/api/server.go:88:2: ineffectual assignment to err (ineffassign)", "go-build", 9, kindPoint},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			score, k, rule := scoreText([]byte(tt.line))
			if rule != tt.wantRule {
				t.Errorf("rule = %q, want %q", rule, tt.wantRule)
			}
			if score < tt.minScore {
				t.Errorf("score = %v, want >= %v", score, tt.minScore)
			}
			if k != tt.wantKind {
				t.Errorf("kind = %v, want %v", k, tt.wantKind)
			}
		})
	}
}

// A wrapper's closing summary is a consequence: it scores below any line that states a cause.
func TestScoreTextWrappers(t *testing.T) {
	for _, line := range []string{
		"error: Bad exit status from /var/tmp/rpm-tmp.1Xz9Qa (%build)",
		"ninja: build stopped: subcommand failed.",
		"npm ERR! code ELIFECYCLE",
		"collect2: error: ld returned 1 exit status",
		"Errors while running CTest",
		"Command exited with non-zero status 2",
		"The command '/bin/sh -c make' returned a non-zero code: 2",
		"make: *** [Makefile:12: all] Error 1",
		// logchunks-dev erlang@otp 546804521: the build script's last line.
		"*** Failed ***",
		"FAILED",
		"==== ERROR ====",
	} {
		if score, _, rule := scoreText([]byte(line)); score >= minCandidateScore {
			t.Errorf("%q scores %v (rule %q), want below %v", line, score, rule, float64(minCandidateScore))
		}
	}
}

// A CircleCI `yarn test` step running jest then `standard`: the lint errors failed it, while
// jest's passing tests printed a console Deprecation stack first (the ci-bot fixture).
func TestCircleCILintStep(t *testing.T) {
	path := filepath.Join(corpusDir(t), "api", "circleci", "fixtures", "ci-bot", "circleci.action-output.json")
	fh, err := os.Open(path)
	if err != nil {
		t.Skipf("corpus fixture absent: %v", err)
	}
	defer fh.Close()
	r, err := logs.NewCircleCIReader(fh, "yarn test")
	if err != nil {
		t.Fatal(err)
	}
	f := NewFinder(Options{})
	for r.Next() {
		f.Add(r.Line())
	}
	ex := f.Excerpt()
	cause := ""
	for i, n := 0, 0; i < len(ex.Ranges); i++ {
		for l := ex.Ranges[i][0]; l <= ex.Ranges[i][1]; l, n = l+1, n+1 {
			if l == ex.Cause {
				cause = ex.Lines[n]
			}
		}
	}
	if !strings.Contains(cause, "/home/circleci/repo/index.js:") {
		t.Fatalf("cause line %d %q, want a `standard` lint error; excerpt %q", ex.Cause, cause, ex.Lines)
	}
}
