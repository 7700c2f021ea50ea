package cause

import (
	"fmt"
	"strings"
	"testing"

	"github.com/totto-ci/totto/logs"
)

// TestFinderPicksTheCause runs small but realistic logs through the reader and the Finder and
// checks that the excerpt holds the line that explains the failure, not the noise around it.
func TestFinderPicksTheCause(t *testing.T) {
	tests := []struct {
		name  string
		log   string
		cause string // a substring of the line the excerpt must hold
	}{
		{
			name: "go test failure before package summary and teardown",
			log: "$ go test ./...\nok  \tgithub.com/acme/a\t0.01s\n=== RUN   TestParse\n" +
				"--- FAIL: TestParse (0.00s)\n    parse_test.go:12: got 3, want 4\nFAIL\n" +
				"FAIL\tgithub.com/acme/b\t0.02s\nok  \tgithub.com/acme/c\t0.01s\n" +
				strings.Repeat("uploading coverage chunk\n", 30) +
				"The command \"go test ./...\" exited with 1.\n\nDone. Your build exited with 1.\n",
			cause: "--- FAIL: TestParse",
		},
		{
			// The shape of logchunks-dev erlang@otp 546804521: the cause is the repeated runtime
			// error, then make's and the build script's closing summaries.
			name: "a bare closing verdict points back to the cause",
			log: "$ ./scripts/build-otp\nBuilding OTP.................... failed.\n" +
				strings.Repeat("(no logger present) unexpected logger message: {log,error,\"Error in process ~p with exit value:~n~p~n\",[<0.0.0>,{{badmatch,{error,{bad_lib,\"Function not found prim_file:read_handle_info_nif/1\"}}}]}\n", 12) +
				"make[4]: *** [obj/x86_64-unknown-linux-gnu/opt/smp/PROFILE] Error 1\n" +
				strings.Repeat("make[3]: *** [opt] Error 2\nmake[3]: Leaving directory `/build/erts/emulator'\n", 4) +
				"*** Failed ***\n",
			cause: "unexpected logger message",
		},
		{
			// The shape of logchunks-dev php@php-src 529279089: an expected failure's diff quotes a
			// fatal error early in the run; the test that failed it is named by its FAIL verdict.
			name: "a test harness verdict outranks error text quoted in test output",
			log: "$ sapi/cli/php run-tests.php\n========DIFF========\n001+ B1::f()\n" +
				"001- Fatal error: Call to protected method B1::f() from context 'B2' in %s on line %d\n" +
				"========DONE========\nXFAIL Inconsistencies when accessing protected members [Zend/tests/access_modifiers_008.phpt]\n" +
				strings.Repeat("TEST 845/13884 [2/2 concurrent test workers running]\n", 400) +
				"========DIFF========\n001+ ** ERROR: process timed out **\n001- OK.\n========DONE========\n" +
				"FAIL Bug #60120 (proc_open hangs when data in stdin/out/err is getting larger or equal to 2048) [ext/standard/tests/file/bug60120.phpt] \n" +
				strings.Repeat("TEST 12164/13884 [2/2 concurrent test workers running]\n", 400) +
				"The command \"./sapi/cli/php run-tests.php\" exited with 1.\n",
			cause: "process timed out",
		},
		{
			// The shape of logchunks-dev square@retrofit 484944937: a passing test logs an exception
			// early; surefire marks the failing test near the end, before Maven's closing summary.
			name: "surefire's failure marker outranks an exception a passing test logged",
			log: "$ mvn test -B\n" + strings.Repeat("[INFO] Downloading from central: https://repo/x.pom\n", 30) +
				"INFO: MockWebServer[39080] received request: GET / HTTP/1.1 and responded: HTTP/1.1 404 Client Error\n" +
				"java.lang.IllegalArgumentException: n > 0 required but it was 0\n" +
				strings.Repeat("\tat okhttp3.mockwebserver.MockWebServer.serveConnection(MockWebServer.java:412)\n", 6) +
				strings.Repeat("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 sec - in retrofit2.CallTest\n", 1500) +
				"requireFullResponseDocumentConsumption(retrofit2.converter.moshi.MoshiConverterFactoryTest)  Time elapsed: 0.228 sec  <<< ERROR!\n" +
				"java.lang.NoSuchMethodError: okio.BufferedSource.getBuffer()Lokio/Buffer;\n" +
				strings.Repeat("\tat com.squareup.moshi.JsonUtf8Reader.<init>(JsonUtf8Reader.java:97)\n", 30) +
				strings.Repeat("Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.1 sec - in retrofit2.converter.ScalarsTest\n", 400) +
				"[INFO] BUILD FAILURE\n" +
				"[ERROR] Failed to execute goal org.apache.maven.plugins:maven-surefire-plugin:2.12.4:test (default-test) on project converter-moshi: There are test failures.\n" +
				"[ERROR] -> [Help 1]\n" +
				"The command \"mvn test -B\" exited with 1.\n",
			cause: "NoSuchMethodError",
		},
		{
			name: "python traceback ends in the exception",
			log: strings.Repeat("collecting ...\n", 20) + "Traceback (most recent call last):\n" +
				"  File \"setup.py\", line 3, in <module>\n    import yaml\n" +
				"ModuleNotFoundError: No module named 'yaml'\n" +
				"##[error]Process completed with exit code 1.\n" +
				"Post job cleanup.\n" + strings.Repeat("[command]/usr/bin/git config --unset-all\n", 20),
			cause: "ModuleNotFoundError",
		},
		{
			name: "maven compile error beats the boilerplate after it",
			log: strings.Repeat("[INFO] Downloading from central: https://repo/x.pom\n", 40) +
				"[ERROR] COMPILATION ERROR : \n" +
				"[ERROR] /w/src/main/java/a/B.java:[27,12] cannot find symbol\n" +
				"  symbol:   method foo()\n  location: class a.B\n[INFO] BUILD FAILURE\n" +
				"[ERROR] Failed to execute goal org.apache.maven.plugins:maven-compiler-plugin:3.8.1:compile\n" +
				"[ERROR] -> [Help 1]\n[ERROR] \n[ERROR] To see the full stack trace of the errors, re-run Maven with the -e switch.\n" +
				"[ERROR] Re-run Maven using the -X switch to enable full debug logging.\n" +
				strings.Repeat("[ERROR] \n", 3),
			cause: "B.java:[27,12] cannot find symbol",
		},
		{
			name: "shell script that echoes and exits",
			log: strings.Repeat("+ make -j8 all\nbuilding\n", 20) + "+ git status --porcelain\n" +
				"+ echo 'Build left local git repository checkout dirty'\nBuild left local git repository checkout dirty\n" +
				"+ exit 1\n" + strings.Repeat("Cache misses                        119\nCache errors                          0\n", 10),
			cause: "Build left local git repository checkout dirty",
		},
		{
			name: "first compile error of a cascade",
			log: "$ make\ncc -c a.c\na.c:3:10: fatal error: 'libproc.h' file not found\n#include <libproc.h>\n" +
				"         ^~~~~~~~~~~\n1 error generated.\n" + strings.Repeat("cc -c x.c\n", 60) +
				"b.c:9:1: error: expected ';' after top level declarator\nmake: *** [all] Error 1\n",
			cause: "'libproc.h' file not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, _ := excerptOf(t, tt.log, Options{})
			want := lineOf(t, tt.log, tt.cause)
			if !covers(ex, want) {
				t.Fatalf("excerpt %v misses line %d (%q); lines:\n%s", ex.Ranges, want, tt.cause, strings.Join(ex.Lines, "\n"))
			}
			checkExcerpt(t, ex, strings.Count(tt.log, "\n"), 10)
		})
	}
}

// checkExcerpt asserts the invariants every consumer relies on.
func checkExcerpt(t *testing.T, ex Excerpt, n, budget int) {
	t.Helper()
	if n == 0 {
		if !ex.Empty() {
			t.Fatalf("empty log gave excerpt %v", ex.Ranges)
		}
		return
	}
	if ex.Empty() {
		t.Fatalf("non-empty log (%d lines) gave an empty excerpt", n)
	}
	total, prev := 0, 0
	for _, r := range ex.Ranges {
		if r[0] < 1 || r[1] > n || r[0] > r[1] || r[0] <= prev {
			t.Fatalf("bad ranges %v for a %d-line log", ex.Ranges, n)
		}
		prev = r[1]
		total += r[1] - r[0] + 1
	}
	if total != len(ex.Lines) {
		t.Fatalf("ranges %v cover %d lines but Lines has %d", ex.Ranges, total, len(ex.Lines))
	}
	if len(ex.Ranges) > 2 {
		t.Fatalf("%d blocks, want at most 2: %v", len(ex.Ranges), ex.Ranges)
	}
	nonBlank := 0
	for _, l := range ex.Lines {
		if strings.TrimSpace(l) != "" {
			nonBlank++
		}
	}
	if nonBlank > budget {
		t.Fatalf("%d non-blank lines, budget %d", nonBlank, budget)
	}
	if ex.StartLine() != ex.Ranges[0][0] || ex.EndLine() != ex.Ranges[len(ex.Ranges)-1][1] {
		t.Fatalf("StartLine/EndLine %d/%d disagree with %v", ex.StartLine(), ex.EndLine(), ex.Ranges)
	}
}

func TestFinderWithoutCandidatesShowsTheTail(t *testing.T) {
	var b strings.Builder
	for i := 1; i <= 50; i++ {
		fmt.Fprintf(&b, "step %d\n", i)
	}
	ex, n := excerptOf(t, b.String(), Options{Budget: 5})
	checkExcerpt(t, ex, n, 5)
	if ex.EndLine() != 50 || ex.StartLine() != 46 {
		t.Fatalf("excerpt %v, want the last 5 lines [46 50]", ex.Ranges)
	}
}

func TestFinderEmptyLog(t *testing.T) {
	ex, n := excerptOf(t, "", Options{})
	checkExcerpt(t, ex, n, 10)
	if ex.StartLine() != 0 || ex.EndLine() != 0 {
		t.Fatalf("empty log: start/end %d/%d, want 0/0", ex.StartLine(), ex.EndLine())
	}
}

// TestFinderBudgetCountsNonBlankLines checks that with FreeBlank blank lines inside the window do
// not count against the budget, and that the budget is never exceeded.
func TestFinderBudgetCountsNonBlankLines(t *testing.T) {
	log := strings.Repeat("noise\n\n", 30) + "error: the thing broke\n\n" + strings.Repeat("detail\n\n", 30)
	for _, budget := range []int{1, 2, 3, 7, 10, 30} {
		ex, n := excerptOf(t, log, Options{Budget: budget, FreeBlank: true})
		if budget > 1 && len(ex.Lines) <= budget {
			t.Errorf("budget %d: %d lines (%v): blank lines should not count with FreeBlank", budget, len(ex.Lines), ex.Ranges)
		}
		checkExcerpt(t, ex, n, budget)
		if !covers(ex, lineOf(t, log, "error: the thing broke")) {
			t.Errorf("budget %d: excerpt %v misses the error line", budget, ex.Ranges)
		}
	}
}

// TestFinderUsesReaderMarkers checks that the Finder works on lines the full normaliser already
// cleaned (markers stripped, ErrorMarker and Step set), not only on raw text.
func TestFinderUsesReaderMarkers(t *testing.T) {
	f := NewFinder(Options{})
	num := 0
	add := func(step, text string, marked bool) {
		num++
		f.Add(logs.Line{Num: num, Text: []byte(text), Step: step, ErrorMarker: marked, StepIndex: 1})
	}
	for i := 0; i < 40; i++ {
		add("Run build", fmt.Sprintf("compiling unit %d", i), false)
	}
	add("Run build", "Unable to download artifact(s): Artifact not found for name: wheel-py3", true)
	add("Run build", "Process completed with exit code 1.", true)
	for i := 0; i < 40; i++ {
		add("Post job cleanup.", fmt.Sprintf("cleanup %d", i), false)
	}
	ex := f.Excerpt()
	if !covers(ex, 41) {
		t.Fatalf("excerpt %v misses the flagged line 41", ex.Ranges)
	}
}

// TestFinderCountsEveryLineByDefault checks that without FreeBlank every line, blank or not,
// counts against the budget, so an excerpt never exceeds it in the canonical log.
func TestFinderCountsEveryLineByDefault(t *testing.T) {
	log := strings.Repeat("noise\n\n", 30) + "error: the thing broke\n\n" + strings.Repeat("detail\n\n", 30)
	ex, _ := excerptOf(t, log, Options{Budget: 6})
	if len(ex.Lines) > 6 {
		t.Fatalf("excerpt has %d lines (%v), want at most 6 by default", len(ex.Lines), ex.Ranges)
	}
	if !covers(ex, lineOf(t, log, "error: the thing broke")) {
		t.Fatalf("excerpt %v misses the error line", ex.Ranges)
	}
}

// A command killed from outside (here timeout(1), the shape of logchunks-dev purescript@purescript
// 549434310) printed nothing about why: the step's end is the line to read first.
func TestFinderKilledStepIsItsOwnCause(t *testing.T) {
	log := "$ $TIMEOUT 35m ci/build.sh\n" +
		strings.Repeat("tf-random                        > src/System/Random/TF/Init.hs:94:5: warning: [-Wdeprecations]\n"+
			"tf-random                        > 94 |   | bitSize n > 64 = error \"mkTFGen: case where size of Int > 64 not implemented\"\n", 20) +
		"tf-random                        > [4 of 4] Compiling System.Random.TF.Instances\n" +
		"travis_time:end:0182d774:start=1561315767526388200,finish=1561317874115286200,duration=2106588898000\n" +
		"The command \"$TIMEOUT 35m ci/build.sh\" exited with 124.\n\nDone. Your build exited with 1.\n"
	ex, _ := excerptOf(t, log, Options{})
	if want := lineOf(t, log, "exited with 124"); ex.Cause != want {
		t.Fatalf("cause line %d, want %d (the killed step's end); excerpt %q", ex.Cause, want, ex.Lines)
	}
}

// A formatter in check mode fails a step with only its list of files: the cause line is the
// first of them, not the step's end (black --check on GitHub Actions).
func TestFinderFormatterCheckCauseLine(t *testing.T) {
	log := "##[group]Run black --check .\nblack --check .\n##[endgroup]\n" +
		"would reformat /home/runner/work/app/app/backend/main.py\n" +
		"would reformat /home/runner/work/app/app/backend/agents.py\n\n" +
		"Oh no! 💥 💔 💥\n2 files would be reformatted, 14 files would be left unchanged.\n" +
		"##[error]Process completed with exit code 1.\n" +
		"Post job cleanup.\n" + strings.Repeat("[command]/usr/bin/git config --local --unset-all http.https://github.com/.extraheader\n", 10)
	ex, _ := excerptOf(t, log, Options{})
	if want := lineOf(t, log, "would reformat"); ex.Cause != want {
		t.Fatalf("cause line %d, want %d (the first file black would change); excerpt %q", ex.Cause, want, ex.Lines)
	}
}
