package cause

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"slices"

	"github.com/totto-ci/totto/logs"
)

// A Fingerprint is what the Finder needs to know of a job's last passing log: the hashes of its
// lines after masking the parts that change from run to run (numbers, durations, timestamps, hex
// ids, temporary names). A line of a failing log whose masked hash is absent was not printed when
// the job passed, which makes it a strong candidate for the cause (the finding of CiDiff, ISSTA
// 2025, on pass/fail pairs); a line present was printed by a green run and did not make the job
// fail. Keeping hashes, not the log, keeps the store small and spares re-reading logs.
type Fingerprint struct {
	hashes []uint64 // ascending, distinct
}

// MaxFingerprintLines bounds the distinct lines a fingerprint keeps; a passing log with more
// distinct lines contributes its first ones (its later lines then look new, which only weakens
// the evidence, never hides a line).
const MaxFingerprintLines = 1 << 17

// FingerprintBuilder collects a passing log's lines into a Fingerprint.
type FingerprintBuilder struct {
	seen map[uint64]struct{}
	buf  []byte
}

// NewFingerprintBuilder returns an empty builder.
func NewFingerprintBuilder() *FingerprintBuilder {
	return &FingerprintBuilder{seen: map[uint64]struct{}{}}
}

// Add records one line of the passing log.
func (b *FingerprintBuilder) Add(l logs.Line) {
	if l.Overwritten || len(b.seen) >= MaxFingerprintLines {
		return
	}
	text, _ := cleanLine(l.Text)
	var h uint64
	var ok bool
	b.buf, h, ok = lineHash(b.buf, text)
	if ok {
		b.seen[h] = struct{}{}
	}
}

// FingerprintOf reads a whole passing log (plain text) into its fingerprint.
func FingerprintOf(r io.Reader) (*Fingerprint, error) {
	b := NewFingerprintBuilder()
	lr := logs.NewReader(r)
	defer lr.Release()
	for lr.Next() {
		b.Add(lr.Line())
	}
	if err := lr.Err(); err != nil {
		return nil, fmt.Errorf("fingerprint: %w", err)
	}
	return b.Fingerprint(), nil
}

// Fingerprint returns what was added so far.
func (b *FingerprintBuilder) Fingerprint() *Fingerprint {
	hs := make([]uint64, 0, len(b.seen))
	for h := range b.seen {
		hs = append(hs, h)
	}
	slices.Sort(hs)
	return &Fingerprint{hashes: hs}
}

// Len is the number of distinct lines the fingerprint holds.
func (fp *Fingerprint) Len() int { return len(fp.hashes) }

// has reports whether a line with masked hash h was printed by the passing log.
func (fp *Fingerprint) has(h uint64) bool {
	_, ok := slices.BinarySearch(fp.hashes, h)
	return ok
}

// fingerprintVersion is the first byte of an encoded fingerprint; a change of masking or hashing
// changes it, so that old fingerprints are ignored rather than compared wrongly.
const fingerprintVersion = 1

// ErrFingerprintVersion reports a fingerprint encoded by an older masking; it is to be rebuilt,
// not compared.
var ErrFingerprintVersion = errors.New("fingerprint from another masking version")

// MarshalBinary encodes the fingerprint compactly: the version, the count, then the gaps between
// ascending hashes as varints.
func (fp *Fingerprint) MarshalBinary() ([]byte, error) {
	out := make([]byte, 0, 1+binary.MaxVarintLen64*(1+len(fp.hashes)))
	out = append(out, fingerprintVersion)
	out = binary.AppendUvarint(out, uint64(len(fp.hashes)))
	prev := uint64(0)
	for _, h := range fp.hashes {
		out = binary.AppendUvarint(out, h-prev)
		prev = h
	}
	return out, nil
}

// UnmarshalBinary decodes what MarshalBinary wrote; anything else is an error naming the problem.
func (fp *Fingerprint) UnmarshalBinary(data []byte) error {
	if len(data) == 0 {
		return errors.New("decode fingerprint: empty")
	}
	if data[0] != fingerprintVersion {
		return fmt.Errorf("decode fingerprint: version %d: %w", data[0], ErrFingerprintVersion)
	}
	data = data[1:]
	n, k := binary.Uvarint(data)
	if k <= 0 || n > MaxFingerprintLines {
		return fmt.Errorf("decode fingerprint: bad line count")
	}
	data = data[k:]
	hs := make([]uint64, 0, n)
	prev := uint64(0)
	for i := uint64(0); i < n; i++ {
		d, k := binary.Uvarint(data)
		if k <= 0 || (i > 0 && d == 0) {
			return fmt.Errorf("decode fingerprint: bad entry %d", i)
		}
		data = data[k:]
		prev += d
		hs = append(hs, prev)
	}
	if len(data) != 0 {
		return fmt.Errorf("decode fingerprint: %d trailing bytes", len(data))
	}
	fp.hashes = hs
	return nil
}

// lineHash masks a cleaned line into buf and hashes it; ok is false for a blank line, which
// says nothing either way.
func lineHash(buf, text []byte) ([]byte, uint64, bool) {
	text = bytes.TrimSpace(text)
	if len(text) == 0 {
		return buf, 0, false
	}
	buf = maskVolatile(buf[:0], text)
	h := fnv.New64a()
	h.Write(buf)
	return buf, h.Sum64(), true
}

// maskVolatile appends text to dst with the parts that differ between two runs of the same job
// replaced: every run of letters and digits that holds a digit (counters, durations, timestamps,
// ports, hex ids, temporary names such as tmpa1b2c3) becomes "0". Words without digits are kept,
// so messages, test names and paths still tell lines apart.
func maskVolatile(dst, text []byte) []byte {
	for i := 0; i < len(text); {
		c := text[i]
		if !isAlnum(c) {
			dst = append(dst, c)
			i++
			continue
		}
		j, digit := i, false
		for j < len(text) && isAlnum(text[j]) {
			if '0' <= text[j] && text[j] <= '9' {
				digit = true
			}
			j++
		}
		if digit {
			dst = append(dst, '0')
		} else {
			dst = append(dst, text[i:j]...)
		}
		i = j
	}
	return dst
}

func isAlnum(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}
