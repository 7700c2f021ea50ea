package web

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/store/blob"
	"github.com/totto-ci/totto/store/storetest"
)

// BenchmarkTryFirstResult measures, over the generated history (100 k jobs; storetest.DefaultGen)
// on SQLite and Postgres, one /try page of 110 logs of ~9 MB each (the size of the issue's
// Treeherder sample) through a real HTTP server: the time until the first hit reaches the client
// and, as its peer in the same request, the time until the page ends, which is what the whole
// scan costs and what a page that answered only after scanning made the user wait for. A
// quarter of the logs hit, on their last line. The byte budget is lifted so the full scan is
// the old one. docs/web.md records the numbers.
func BenchmarkTryFirstResult(b *testing.B) {
	migrate := func(u string) error {
		s, err := store.Open(b.Context(), u)
		if err != nil {
			return err
		}
		return s.Close()
	}
	b.Run("sqlite", func(b *testing.B) { benchTry(b, storetest.GenSQLite(b, storetest.DefaultGen, migrate)) })
	b.Run("postgres", func(b *testing.B) { benchTry(b, storetest.GenPostgres(b, storetest.DefaultGen, migrate)) })
}

func benchTry(b *testing.B, dsn string) {
	st, err := store.Open(b.Context(), dsn)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	blobs := newSynthLogs(b, 9<<20)
	w := &world{st: st, blobs: blobs}
	h, err := New(Deps{Store: st, Blobs: blobs, DevInsecure: true, Now: func() time.Time { return storetest.GenEnd },
		Rescans: w.rescanQueue(b), TryBytes: 4 << 30, TryBudget: time.Minute})
	if err != nil {
		b.Fatal(err)
	}
	srv := httptest.NewServer(h)
	b.Cleanup(srv.Close)
	path := srv.URL + "/try?logs=110&expr=" + url.QueryEscape(`error: cannot find module '[^']+'`)
	var first, full time.Duration
	var read int64
	for b.Loop() {
		start := time.Now()
		resp, err := http.Get(path)
		if err != nil {
			b.Fatal(err)
		}
		body := bufio.NewReader(resp.Body)
		hit := time.Duration(0)
		var page strings.Builder
		for {
			line, err := body.ReadString('\n')
			page.WriteString(line)
			if hit == 0 && strings.Contains(line, `class="match"`) {
				hit = time.Since(start)
			}
			if err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
		full += time.Since(start)
		resp.Body.Close()
		if hit == 0 || !strings.Contains(page.String(), `<span id="try-logs">110</span>`) {
			b.Fatalf("no hit or not every log read:\n%.3000s", page.String()[max(0, page.Len()-3000):])
		}
		first += hit
		read += 110 * int64(blobs.size)
	}
	n := float64(b.N)
	b.ReportMetric(float64(first.Milliseconds())/n, "first-hit-ms")
	b.ReportMetric(float64(full.Milliseconds())/n, "full-scan-ms")
	b.ReportMetric(float64(first)/float64(full), "first/full")
	b.ReportMetric(float64(read)/full.Seconds()/(1<<20), "MiB/s")
}

// synthLogs serves every storage key a gzipped log of about size bytes of build output, as the
// blob directory stores them; a quarter of the keys end with a failure line.
type synthLogs struct {
	blob.Store
	size     int
	hit, not []byte
}

func newSynthLogs(b *testing.B, size int) *synthLogs {
	gz := func(last string) []byte {
		var raw bytes.Buffer
		for i := 0; raw.Len() < size; i++ {
			fmt.Fprintf(&raw, "2026-01-01T10:%02d:%02d.%03dZ [step %d] compiling github.com/acme/widgets/internal/mod%d (cached: %t)\n",
				i/3600%60, i/60%60, i%1000, i%7, i%997, i%3 == 0)
		}
		raw.WriteString(last)
		var out bytes.Buffer
		zw := gzip.NewWriter(&out)
		if _, err := zw.Write(raw.Bytes()); err != nil {
			b.Fatal(err)
		}
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
		return out.Bytes()
	}
	return &synthLogs{size: size, hit: gz("error: cannot find module 'left-pad'\n"), not: gz("done\n")}
}

func (s *synthLogs) Open(_ context.Context, key string) (io.ReadCloser, error) {
	h := fnv.New32a()
	h.Write([]byte(key))
	z := s.not
	if h.Sum32()%4 == 0 {
		z = s.hit
	}
	r, err := gzip.NewReader(bytes.NewReader(z))
	if err != nil {
		return nil, fmt.Errorf("synthetic log %s: %w", key, err)
	}
	return r, nil
}
