package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
)

// tailSpool keeps the last max bytes written to it on disk, in two files of at most max bytes
// used in turn: when the current one is full the other is emptied and becomes current. Disk use
// stays under 2×max and memory flat whatever the log's size.
//
// Keeping the tail (rather than the head) is deliberate: a CI job fails at the end of its log, so
// the tail holds the failure; the head of a huge log is setup noise.
type tailSpool struct {
	files   [2]*os.File
	size    [2]int64
	cur     int
	max     int64
	total   int64
	rotated bool
}

func newTailSpool(max int64) (*tailSpool, error) {
	s := &tailSpool{max: max}
	for i := range s.files {
		f, err := os.CreateTemp("", "totto-log-*")
		if err != nil {
			s.Close()
			return nil, fmt.Errorf("log spool: %w", err)
		}
		s.files[i] = f
	}
	return s, nil
}

func (s *tailSpool) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if s.size[s.cur] == s.max {
			s.cur ^= 1
			s.rotated = true
			if err := s.files[s.cur].Truncate(0); err != nil {
				return 0, fmt.Errorf("log spool: %w", err)
			}
			if _, err := s.files[s.cur].Seek(0, io.SeekStart); err != nil {
				return 0, fmt.Errorf("log spool: %w", err)
			}
			s.size[s.cur] = 0
		}
		k := min(int64(len(p)), s.max-s.size[s.cur])
		w, err := s.files[s.cur].Write(p[:k])
		s.size[s.cur] += int64(w)
		s.total += int64(w)
		if err != nil {
			return n - len(p) + w, fmt.Errorf("log spool: %w", err)
		}
		p = p[k:]
	}
	return n, nil
}

// Truncated reports whether more than max bytes were written.
func (s *tailSpool) Truncated() bool { return s.total > s.max }

// maxCutLine bounds how far into a truncated tail the first line break is looked for.
const maxCutLine = 64 << 10

// reader returns the kept bytes, re-readable from the start on every call. A truncated log starts
// at the first whole line of the tail (when one starts within maxCutLine), so no half line is
// scanned or shown.
func (s *tailSpool) reader() (io.Reader, error) {
	cur := io.NewSectionReader(s.files[s.cur], 0, s.size[s.cur])
	if !s.rotated {
		return cur, nil
	}
	prev := s.files[s.cur^1]
	need := s.max - s.size[s.cur]
	r := io.MultiReader(io.NewSectionReader(prev, s.max-need, need), cur)
	br := bufio.NewReaderSize(r, maxCutLine)
	head, err := br.Peek(maxCutLine)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return nil, fmt.Errorf("log spool: %w", err)
	}
	if i := bytes.IndexByte(head, '\n'); i >= 0 {
		if _, err := br.Discard(i + 1); err != nil {
			return nil, fmt.Errorf("log spool: %w", err)
		}
	}
	return br, nil
}

// Close removes the spool files.
func (s *tailSpool) Close() {
	for _, f := range s.files {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
}

// storeLog downloads a log into a spool (keeping the tail of an oversized one), writes it to the
// blob store and records its metadata. The content is written first, so a failure leaves no
// metadata pointing at nothing; the same content stored again is the same log.
func storeLog(ctx context.Context, st store.Store, blobs blob.Store, raw io.Reader, max int64) (store.Log, error) {
	sp, err := newTailSpool(max)
	if err != nil {
		return store.Log{}, err
	}
	defer sp.Close()
	if _, err := io.Copy(sp, raw); err != nil {
		return store.Log{}, fmt.Errorf("downloading log: %w", err)
	}
	r, err := sp.reader()
	if err != nil {
		return store.Log{}, err
	}
	lines := 0
	lr := logs.NewReader(r)
	for lr.Next() {
		lines = lr.Line().Num
	}
	if err := lr.Err(); err != nil {
		return store.Log{}, fmt.Errorf("counting log lines: %w", err)
	}
	if r, err = sp.reader(); err != nil {
		return store.Log{}, err
	}
	obj, err := blobs.Put(ctx, r)
	if err != nil {
		return store.Log{}, fmt.Errorf("storing log content: %w", err)
	}
	l, err := st.PutLog(ctx, store.Log{SHA256: obj.SHA256, RawSize: obj.Size, Lines: lines, Truncated: sp.Truncated(), StorageKey: obj.Key})
	if err != nil {
		return store.Log{}, fmt.Errorf("recording log %s: %w", obj.SHA256, err)
	}
	return l, nil
}
