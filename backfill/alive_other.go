//go:build !unix

package backfill

// alive cannot tell elsewhere: a leftover with a process id is kept.
func alive(int) bool { return true }
