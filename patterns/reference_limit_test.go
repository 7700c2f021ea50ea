//go:build !race

package patterns

// referenceLimit bounds the bytes of each corpus log compared with the reference (0 = whole log).
const referenceLimit = 0
