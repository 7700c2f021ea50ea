package cause

import "testing"

// TestScoreTextEcosystems checks that real-looking failure lines from each ecosystem score as
// strong candidates of the right shape, and that boilerplate scores below any real cause.
func TestScoreTextEcosystems(t *testing.T) {
	tests := []struct {
		name     string
		line     string
		wantRule string
		minScore float64
		wantKind kind
	}{
		{"pytest E line", "E       AssertionError: assert 1 == 2", "pytest-e", 8, kindTail},
		{"pytest summary", "FAILED tests/test_api.py::test_login - AssertionError: assert 401 == 200", "pytest-failed", 6, kindSummary},
		{"python exception", "ModuleNotFoundError: No module named 'yaml'", "py-exception", 9, kindTail},
		{"python dotted exception", "torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 4.39 GiB.", "oom", 8, kindPoint},
		{"traceback header", "Traceback (most recent call last):", "traceback", 5, kindHeader},
		{"go test", "--- FAIL: TestParse (0.00s)", "go-test-fail", 9, kindHeader},
		{"go subtest", "    --- FAIL: TestParse/empty (0.00s)", "go-test-fail", 9, kindHeader},
		{"go panic", "panic: runtime error: invalid memory address or nil pointer dereference", "go-panic", 9, kindPoint},
		{"go build", "internal/command/cliconfig/credentials_test.go:88:9: undefined: os", "go-build", 9, kindPoint},
		{"go package fail", "FAIL\tgithub.com/acme/widget/store\t0.412s", "go-fail-pkg", 4, kindSummary},
		{"rust error code", "error[E0425]: cannot find value `x` in this scope", "rust-error-code", 10, kindHeader},
		{"rust panic", "thread 'tests::parse' panicked at 'assertion failed: ok', src/lib.rs:12:5", "rust-panic", 10, kindPoint},
		{"gcc", "src/main.c:12:5: error: 'foo' undeclared (first use in this function)", "cc-error", 10, kindPoint},
		{"msvc", `C:\src\a.h(89): error C2039: 'x': is not a member of 'y'`, "msvc-error", 10, kindPoint},
		{"typescript", "src/app.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.", "msvc-error", 10, kindPoint},
		{"maven javac", "[ERROR] /builds/astor/src/main/java/A.java:[71,65] cannot find symbol", "javac-maven", 10, kindPoint},
		// Maven's closing summary: the compiler's or the test harness's lines before it say what failed.
		{"maven goal", "[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.10.0:compile (default-compile) on project x: Compilation failure", "maven-goal", 4, kindSummary},
		// logchunks-dev square@retrofit 484944937: a passing test's logged exception.
		{"jvm exception", "java.lang.IllegalArgumentException: n > 0 required but it was 0", "java-exception", 7, kindPoint},
		{"jvm caused by", "Caused by: org.apache.maven.plugin.MojoExecutionException: Failed", "java-exception", 7, kindPoint},
		{"python module exception", "requests.exceptions.HTTPError: 404 Client Error: Not Found for url: https://pypi.org/simple/x", "py-exception", 9, kindTail},
		{"junit failure", "baseUrlInvalidThrows(retrofit2.RetrofitTest)  Time elapsed: 0.005 sec  <<< FAILURE!", "junit-failure", 9, kindHeader},
		{"gradle test", "LogDifferTest > testGithubParsing() FAILED", "gradle-test", 9, kindHeader},
		{"gradle task", "Execution failed for task ':cidiff:checkstyleMain'.", "gradle-task", 7, kindPoint},
		{"jest bullet", "  ● Button › renders the label", "jest-bullet", 8, kindHeader},
		{"jest cross", "    ✕ renders the label (12 ms)", "cross-mark", 8, kindPoint},
		{"mocha numbered", "  1) Array #indexOf() should return -1 when not present:", "mocha-numbered", 6, kindHeader},
		{"rspec rerun", "rspec ./spec/models/user_spec.rb:12 # User validates email", "rspec-summary", 6, kindSummary},
		{"minitest", "  1) Failure:", "minitest", 8, kindHeader},
		{"php fatal", "PHP Fatal error:  Uncaught Error: Call to undefined function foo() in /app/a.php:3", "php-fatal", 10, kindPoint},
		{"phpunit numbered", `1) Composer\Test\InstallerTest::testIntegration`, "numbered-failure", 7, kindHeader},
		{"dotnet", "    Nancy.Tests.BrowserFixture.Should_return_JSON [FAIL]", "dotnet-fail", 9, kindHeader},
		{"elixir test", "  1) test raises error message about correct usage (Mix.Tasks.IexTest)", "elixir-test", 9, kindHeader},
		{"cmake", "CMake Error at CMakeLists.txt:12 (find_package):", "cmake-error", 9, kindHeader},
		{"segfault", "Segmentation fault (core dumped)", "segfault", 8, kindPoint},
		{"disk full", "java.io.IOException: No space left on device", "oom", 8, kindPoint},
		{"tap not ok", "not ok 3 - handles empty input", "not-ok", 8, kindPoint},
		{"git fatal", "fatal: couldn't find remote ref refs/tags/ciflow/b200/190903", "fatal", 6, kindPoint},
		{"shell", "/bin/sh: 1: cmake: not found", "command-not-found", 6, kindPoint},
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

// TestScoreTextBoilerplate checks that lines that only repeat that something failed never score
// as candidates.
func TestScoreTextBoilerplate(t *testing.T) {
	lines := []string{
		"Done. Your build exited with 1.",
		`The command "bundle exec rake" exited with 1.`,
		"Process completed with exit code 1.",
		"make: *** [Makefile:27: test] Error 1",
		"make[2]: *** [all] Error 2",
		"npm ERR! code ELIFECYCLE",
		"npm ERR! A complete log of this run can be found in:",
		"error Command failed with exit code 1.",
		"[ERROR] -> [Help 1]",
		"[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.",
		"[ERROR] Please refer to /build/target/surefire-reports for the individual test results.",
		"Tests run: 12, Failures: 0, Errors: 0, Skipped: 1",
		"Cache write errors                    0",
		"ERROR: \"docs-lint\" exited with 1.",
		"ok  \tgithub.com/acme/widget\t0.012s",
		"test_parse (tests.test_x.ParseTest) ... ok",
		"SKIP Phar front controller [ext/phar/tests/cache_list/frontcontroller11.phpt] reason: windows only test",
		"Post job cleanup.",
		"g++ -O2 -Werror -Wall -c a.cc",
		"    raise RuntimeError(failure.message + keep_going_message)",
		"  warning: unused variable 'x'",
		// logchunks-dev BVLC@caffe 214074807: CMake probing the platform.
		"-- Looking for pthread_create - not found",
		"-- Performing Test HAVE_STD_REGEX - Failed",
		// Tools reporting that there was nothing wrong (PHPStan, linters' summaries).
		"No errors found.",
		"errors: none",
		"Errors: 0",
	}
	for _, l := range lines {
		if score, _, rule := scoreText([]byte(l)); score >= minCandidateScore {
			t.Errorf("%q scored %v (rule %q), want below %v", l, score, rule, minCandidateScore)
		}
	}
}

func TestIDTokens(t *testing.T) {
	tests := []struct {
		line string
		want []string
	}{
		{"FAILED tests/test_api.py::test_login - AssertionError", []string{"tests/test_api.py::test_login", "AssertionError"}},
		{"t9502-gitweb-standalone-parse-output.sh (Wstat: 256 Tests: 13 Failed: 1)", []string{"t9502-gitweb-standalone-parse-output.sh"}},
		{"FAIL all good here", nil},
		{"see https://example.com/x", nil},
	}
	for _, tt := range tests {
		got := idTokens(tt.line)
		if len(got) != len(tt.want) {
			t.Errorf("idTokens(%q) = %q, want %q", tt.line, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("idTokens(%q) = %q, want %q", tt.line, got, tt.want)
			}
		}
	}
}
