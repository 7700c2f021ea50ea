package store

import (
	"context"
	"fmt"
	"io"

	"github.com/totto-ci/totto/logs"
	"github.com/totto-ci/totto/store/blob"
)

// PutLogContent stores a log's raw bytes in the blob store and records its metadata (hash, size,
// normalised line count): the content first, so a failed write leaves nothing in the database.
// maxBytes > 0 keeps only the first maxBytes and marks the log truncated.
func PutLogContent(ctx context.Context, st Store, blobs blob.Store, raw io.Reader, maxBytes int64) (Log, error) {
	truncated := false
	if maxBytes > 0 {
		raw = &limitFlag{r: raw, n: maxBytes, hit: &truncated}
	}
	// The normaliser counts lines while the blob store reads the same bytes.
	pr, pw := io.Pipe()
	counted := make(chan countResult, 1)
	go func() {
		lr := logs.NewReader(pr)
		var res countResult
		for lr.Next() {
			res.lines = lr.Line().Num
		}
		res.err = lr.Err()
		pr.CloseWithError(res.err) // unblocks the writer if the reader stopped early
		counted <- res
	}()
	obj, err := blobs.Put(ctx, io.TeeReader(raw, pw))
	if err != nil {
		pw.CloseWithError(err)
		<-counted
		return Log{}, fmt.Errorf("store log content: %w", err)
	}
	pw.Close()
	res := <-counted
	if res.err != nil {
		return Log{}, fmt.Errorf("count log lines: %w", res.err)
	}
	l, err := st.PutLog(ctx, Log{SHA256: obj.SHA256, RawSize: obj.Size, Lines: res.lines, Truncated: truncated, StorageKey: obj.Key})
	if err != nil {
		return Log{}, err
	}
	return l, nil
}

type countResult struct {
	lines int
	err   error
}

// limitFlag reads at most n bytes and records whether more were available.
type limitFlag struct {
	r   io.Reader
	n   int64
	hit *bool
}

func (l *limitFlag) Read(p []byte) (int, error) {
	if l.n <= 0 {
		var one [1]byte
		if k, _ := l.r.Read(one[:]); k > 0 {
			*l.hit = true
		}
		return 0, io.EOF
	}
	if int64(len(p)) > l.n {
		p = p[:l.n]
	}
	k, err := l.r.Read(p)
	l.n -= int64(k)
	return k, err
}
