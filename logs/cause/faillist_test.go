package cause

import (
	"strings"
	"testing"
)

// TestFailListHeading checks which lines open a failed-tests list (lines from the corpus).
func TestFailListHeading(t *testing.T) {
	for _, tt := range []struct {
		line           string
		heading, named bool
	}{
		{"FAILED TEST SUMMARY", true, false},
		{"=========================== short test summary info ============================", true, false},
		{"Failed tests:   malformedContentTypeHeaderThrows(retrofit2.RequestFactoryTest): (..)", true, true},
		{"[error] Failed tests:", true, false},
		{"Failing tests:", true, false},
		{"The following tests FAILED:", true, false},
		// run-tests.php's list of expected failures names no failure of this run.
		{"EXPECTED FAILED TEST SUMMARY", false, false},
		{"WARNED TEST SUMMARY", false, false},
		{"Tests run: 291, Failures: 3, Errors: 0, Skipped: 0", false, false},
	} {
		h, n := isFailListHeading([]byte(tt.line))
		if h != tt.heading || n != tt.named {
			t.Errorf("isFailListHeading(%q) = %v, %v, want %v, %v", tt.line, h, n, tt.heading, tt.named)
		}
	}
}

// TestFailListMarksEntries checks that the lines under a heading become summaries until the list
// ends, that a skipped test's entry stays noise, that a heading naming a test is an entry itself
// (Surefire), and that lines after the list are untouched (lines from scikit-learn's and
// retrofit's Travis logs).
func TestFailListMarksEntries(t *testing.T) {
	lines := []string{
		"=========================== short test summary info ============================",
		"SKIPPED [2] /home/travis/build/scikit-learn/scikit-learn/sklearn/tests/test_impute.py:302: could not import sqpandassq: No module named pandas",
		"FAILED sklearn/tests/test_common.py::test_estimators[GaussianProcessRegressor] - AssertionError",
		"",
		"Segmentation fault (core dumped)",
	}
	lines = append(lines,
		"Results :",
		"",
		"Failed tests:   malformedContentTypeHeaderThrows(retrofit2.RequestFactoryTest): (..)",
		"  baseUrlInvalidThrows(retrofit2.RetrofitTest): (..)",
		"",
		"Tests run: 291, Failures: 3, Errors: 0, Skipped: 0")
	var l failList
	var got []string
	for _, s := range lines {
		w, k, i := scoreRule([]byte(s))
		e := entry{score: w, kind: k, rule: i}
		l.mark(&e, []byte(s))
		got = append(got, map[bool]string{true: "listed", false: "-"}[e.listed])
	}
	want := []string{"-", "-", "listed", "-", "-", "-", "-", "listed", "listed", "-", "-"}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("listed = %v, want %v", got, want)
	}
}

// phpRun is a shortened run-tests.php log (lines from php/php-src's Travis logs): an expected
// failure (XFAIL) whose diff quotes a "Fatal error", later a failing test's diff and verdict, and
// thousands of lines on the failed-tests list naming that test by a title that reads like a crash.
// The distances are those of the real logs: far enough from the end that closeness to it no
// longer tells the lines apart.
func phpRun() string {
	var b strings.Builder
	progress := func(n int) {
		for i := 0; i < n; i++ {
			b.WriteString("TEST 7107/13939 [2/2 concurrent test workers running]\n\n")
		}
	}
	progress(100)
	b.WriteString("========DIFF========\n")
	b.WriteString("001+ B1::f()\n")
	b.WriteString("001- Fatal error: Call to protected method B1::f() from context 'B2' in %s on line %d\n")
	b.WriteString("========DONE========\n")
	b.WriteString("XFAIL Inconsistencies when accessing protected members [Zend/tests/access_modifiers_008.phpt]   XFAIL REASON: Discussion: http://marc.info/?l=php-internals&m=120221184420957&w=2\n")
	progress(3000)
	b.WriteString("========DIFF========\n")
	b.WriteString("001+ Deprecated: Implicit nullable types are deprecated, mark the type as explicitly nullable with the '?' sign in /home/travis/build/php/php-src/ext/pdo_pgsql/tests/bug72294.php on line 18\n")
	b.WriteString("========DONE========\n")
	b.WriteString("FAIL Bug #72294 Segmentation fault/invalid pointer in connection with pgsql_stmt_dtor [ext/pdo_pgsql/tests/bug72294.phpt] \n")
	progress(7000)
	b.WriteString("=====================================================================\n")
	b.WriteString("FAILED TEST SUMMARY\n")
	b.WriteString("---------------------------------------------------------------------\n")
	b.WriteString("Bug #72294 Segmentation fault/invalid pointer in connection with pgsql_stmt_dtor [ext/pdo_pgsql/tests/bug72294.phpt]\n")
	b.WriteString("=====================================================================\n")
	b.WriteString("\nThe command \"make test\" exited with 1.\n")
	return b.String()
}

// TestFailListPointsToDetail checks that the failing test's verdict is the cause, with the
// harness's own rules and without them (run-tests.php's diff and verdict rules switched off, as
// when the harness has no rule): neither the quoted "Fatal error" of the expected failure nor the
// list line's "Segmentation fault" wins.
func TestFailListPointsToDetail(t *testing.T) {
	log := phpRun()
	detail := lineOf(t, log, "FAIL Bug #72294")
	for _, without := range [][]string{nil, {"phpt-diff", "phpt-fail"}} {
		ex, _ := excerptOf(t, log, Options{WithoutRules: without})
		if ex.Cause != detail {
			t.Errorf("without %v: cause line %d, want %d (the failing test's verdict); excerpt %v", without, ex.Cause, detail, ex.Ranges)
		}
	}
}

// TestFailListOrphanEntry checks that a list line no rule scores, which names no candidate, is
// not the cause: xcodebuild's "Failing tests:" names the test by a longer name than its detail
// prints, so the list is all the Finder would show (lines from ReactiveCocoa's Travis logs).
func TestFailListOrphanEntry(t *testing.T) {
	log := strings.Join([]string{
		"ReactiveMapKitTests.MKMapViewSpec",
		"  should_accept_changes_from_bindings_to_its_rotate_enabled_state, expected to eventually be nil, got <<MKMapView: 0x7fc249872c00; frame = (0 0; 0 0); clipsToBounds = YES; layer = <CALayer: 0x7fc2497f12e0>>>",
		"  /Users/travis/build/ReactiveCocoa/ReactiveCocoa/ReactiveMapKitTests/MKMapViewSpec.swift:30",
		"  ```",
		"\t\t\t// since it takes time to release MKMapView",
		"\t\t\texpect(_mapView).toEventually(beNil())",
		"\t\t\t#endif",
		"  ```",
		"",
		"",
		"\t Executed 5 tests, with 1 failure (0 unexpected) in 1.310 (1.314) seconds",
		"",
		"2019-04-19 12:25:12.980 xcodebuild[3641:9074] [MT] IDETestOperationsObserverDebug: 109.898 elapsed -- Testing started completed.",
		"2019-04-19 12:25:12.980 xcodebuild[3641:9074] [MT] IDETestOperationsObserverDebug: 0.000 sec, +0.000 sec -- start",
		"2019-04-19 12:25:12.980 xcodebuild[3641:9074] [MT] IDETestOperationsObserverDebug: 109.898 sec, +109.898 sec -- end",
		"",
		"Failing tests:",
		"\tReactiveMapKitTests-iOS:",
		"\t\tMKMapViewSpec.should_accept_changes_from_bindings_to_its_rotate_enabled_state()",
		"",
		"Test session results and logs:",
		"\t/Users/travis/build/ReactiveCocoa/ReactiveCocoa/build/Logs/Test/Test-ReactiveCocoa-iOS-2019.04.19_12-20-56-+0000.xcresult",
		"",
		"** TEST EXECUTE FAILED **",
	}, "\n") + "\n"
	entry := lineOf(t, log, "\t\tMKMapViewSpec.should")
	ex, _ := excerptOf(t, log, Options{})
	if ex.Cause == entry || ex.Cause == entry-1 {
		t.Fatalf("cause line %d is a list line that names no candidate; excerpt %v", ex.Cause, ex.Ranges)
	}
	if want := lineOf(t, log, "Executed 5 tests"); ex.Cause != want {
		t.Errorf("cause line %d, want %d (the run's verdict after the detail); excerpt %v", ex.Cause, want, ex.Ranges)
	}
}
