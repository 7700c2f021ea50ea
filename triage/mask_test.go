package triage

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
)

func TestMaskLine(t *testing.T) {
	for in, want := range map[string]string{
		"Error: timeout after 30s":                           "Error: timeout after <duration>",
		"connect 10.0.0.12:5432 refused":                     "connect <ip>:<n> refused",
		"at 2024-05-01T10:11:12.123Z worker 7 died":          "at <time> worker <n> died",
		"object deadbeefcafe1234 missing":                    "object <hash> missing",
		"segfault at 0x7ffd1234":                             "segfault at <hex>",
		"open /home/runner/work/x/y.txt: no such file":       "open <path>: no such file",
		"id 123e4567-e89b-12d3-a456-426614174000 not unique": "id <uuid> not unique",
		"  FAIL: TestFoo (0.52s)  ":                          "FAIL: TestFoo (<duration>)",
	} {
		for range 2 { // computed, then remembered
			if got := MaskLine(in); got != want {
				t.Errorf("MaskLine(%q) = %q, want %q", in, got, want)
			}
		}
	}
}

// The memo stays bounded, and lines too long for it are still masked.
func TestMaskLineMemoIsBounded(t *testing.T) {
	for i := range maxMemoShapes + 10 {
		MaskLine(fmt.Sprintf("worker %d died", i))
	}
	shapes.mu.Lock()
	n := len(shapes.m)
	shapes.mu.Unlock()
	if n > maxMemoShapes {
		t.Fatalf("memo holds %d shapes, bound is %d", n, maxMemoShapes)
	}
	long := strings.Repeat("x", maxMemoLine) + " after 30s"
	if got, want := MaskLine(long), strings.Repeat("x", maxMemoLine)+" after <duration>"; got != want {
		t.Fatalf("long line masked to %q", got)
	}
	shapes.mu.Lock()
	_, kept := shapes.m[long]
	shapes.mu.Unlock()
	if kept {
		t.Fatal("a line over the memo's size limit was remembered")
	}
}

// TestShapeRegexMatchesItsLines: the regex built from a shape matches every line of that shape,
// including the one it was built from.
func TestShapeRegexMatchesItsLines(t *testing.T) {
	for _, lines := range [][]string{
		{"connect 10.0.0.12:5432 refused after 30s", "connect 192.168.1.1:80 refused after 2.5 ms"},
		{"object deadbeefcafe1234 missing in /tmp/a/b (job 7)", "object 0123456789abcdef missing in /var/x/y (job 12)"},
		{"at 2024-05-01T10:11:12.123Z worker 7 died [a+b]?", "at 2025-12-31 23:59:59 worker 70 died [a+b]?"},
		{"id 123e4567-e89b-12d3-a456-426614174000 not unique at 0xdeadBEEF"},
	} {
		shape := MaskLine(lines[0])
		re := regexp.MustCompile(ShapeRegex(shape))
		for _, l := range lines {
			if MaskLine(l) != shape {
				t.Fatalf("lines of the test case have different shapes: %q vs %q", MaskLine(l), shape)
			}
			if !re.MatchString(l) {
				t.Errorf("ShapeRegex(%q) = %q does not match %q", shape, re, l)
			}
		}
	}
}

func TestLiteralHint(t *testing.T) {
	line := "worker 7: connection to 10.0.0.1:5432 refused by the database server"
	if got, want := LiteralHint(line, MaskLine(line)), "refused by the database server"; got != want {
		t.Errorf("LiteralHint = %q, want %q", got, want)
	}
}
