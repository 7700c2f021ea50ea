package logs

import (
	"bytes"
	"encoding/binary"
	"unicode/utf8"
)

// StripANSI removes ANSI/VT escape sequences from one line in place and returns the shortened
// slice. It exists so that every tool removes exactly the same bytes as the canonical numbering
// (the corpus scorer's regular expression, alternatives tried in this order at each ESC):
//
//	CSI    ESC [ [0-?]* [ -/]* [@-~]
//	OSC    ESC ] [^BEL ESC]* (BEL | ESC \)
//	other  ESC [ -/]* [0-~]      (charset selection ESC ( B, keypad ESC =, an unfinished ESC [ …)
//	stray  ESC
func StripANSI(b []byte) []byte {
	i := bytes.IndexByte(b, 0x1b)
	if i < 0 {
		return b
	}
	out := i
	for i < len(b) { // b[i] is ESC
		i = skipEscape(b, i)
		k := bytes.IndexByte(b[i:], 0x1b)
		if k < 0 {
			k = len(b) - i
		}
		out += copy(b[out:], b[i:i+k])
		i += k
	}
	return b[:out]
}

// skipEscape returns the index just past the escape sequence starting at b[i] == ESC.
func skipEscape(b []byte, i int) int {
	n := len(b)
	if i+1 < n && b[i+1] == '[' {
		j := i + 2
		for j < n && b[j] >= 0x30 && b[j] <= 0x3f {
			j++
		}
		for j < n && b[j] >= 0x20 && b[j] <= 0x2f {
			j++
		}
		if j < n && b[j] >= 0x40 && b[j] <= 0x7e {
			return j + 1
		}
	}
	if i+1 < n && b[i+1] == ']' {
		j := i + 2
		for j < n && b[j] != 0x07 && b[j] != 0x1b {
			j++
		}
		if j < n && b[j] == 0x07 {
			return j + 1
		}
		if j+1 < n && b[j] == 0x1b && b[j+1] == '\\' {
			return j + 2
		}
	}
	j := i + 1
	for j < n && b[j] >= 0x20 && b[j] <= 0x2f {
		j++
	}
	if j < n && b[j] >= 0x30 && b[j] <= 0x7e {
		return j + 1
	}
	return i + 1
}

// repairUTF8 appends src to dst with every maximal invalid subpart replaced by one U+FFFD, the
// rule of Python's errors="replace" that the canonical numbering decodes with (utf8.DecodeRune
// alone would give one U+FFFD per byte of a truncated sequence).
func repairUTF8(dst, src []byte) []byte {
	for i := 0; i < len(src); {
		c := src[i]
		if c < utf8.RuneSelf {
			dst = append(dst, c)
			i++
			continue
		}
		r, size := utf8.DecodeRune(src[i:])
		if r != utf8.RuneError || size > 1 {
			dst = append(dst, src[i:i+size]...)
			i += size
			continue
		}
		dst = append(dst, "\uFFFD"...)
		i += invalidPrefixLen(src[i:])
	}
	return dst
}

// invalidPrefixLen returns the length of the maximal subpart at the start of b, which starts
// with a byte that does not begin a valid sequence: the lead byte plus the continuation bytes
// that are still allowed after it (Unicode 3.9, "U+FFFD substitution of maximal subparts").
func invalidPrefixLen(b []byte) int {
	c := b[0]
	need := 0
	lo, hi := byte(0x80), byte(0xBF)
	switch {
	case c >= 0xC2 && c <= 0xDF:
		need = 1
	case c == 0xE0:
		need, lo = 2, 0xA0
	case c == 0xED:
		need, hi = 2, 0x9F
	case c >= 0xE1 && c <= 0xEF:
		need = 2
	case c == 0xF0:
		need, lo = 3, 0x90
	case c >= 0xF1 && c <= 0xF3:
		need = 3
	case c == 0xF4:
		need, hi = 3, 0x8F
	default:
		return 1
	}
	n := 1
	for k := 0; k < need && n < len(b); k++ {
		x := b[n]
		if x < lo || x > hi {
			break
		}
		lo, hi = 0x80, 0xBF
		n++
	}
	return n
}

// indexNonASCII returns the index of the first byte >= 0x80 in b, or len(b); 32 bytes at a
// time because most logs are ASCII and this runs over every byte.
func indexNonASCII(b []byte) int {
	const hi = 0x8080808080808080
	i := 0
	for ; i+32 <= len(b); i += 32 {
		le := binary.LittleEndian
		if (le.Uint64(b[i:])|le.Uint64(b[i+8:])|le.Uint64(b[i+16:])|le.Uint64(b[i+24:]))&hi != 0 {
			break
		}
	}
	for ; i+8 <= len(b); i += 8 {
		if binary.LittleEndian.Uint64(b[i:])&hi != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if b[i] >= utf8.RuneSelf {
			return i
		}
	}
	return i
}
