package app

import (
	"bytes"
	"fmt"
	"net/http"
	"testing"
)

// BenchmarkWebhookStatus is the acknowledgement latency of the hook endpoint on the embedded
// store and on Postgres: verify the signature, decode, record the delivery, enqueue a
// process_job. Every iteration is a new delivery of a failed CircleCI status on a different
// commit, so each one writes a delivery row and a job row.
func BenchmarkWebhookStatus(b *testing.B) {
	for _, be := range backends {
		b.Run(be.name, func(b *testing.B) { benchmarkWebhookStatus(b, newTestApp(b, be.url(b), false)) })
	}
}

func benchmarkWebhookStatus(b *testing.B, a *App) {
	body := corpusDelivery(b, "real", "circleci-status", "status.failure.json")
	const sha = "4cd80b25d8e8a153b60886adf5443ef89e1eb593"
	if !bytes.Contains(body, []byte(sha)) {
		b.Fatal("the status delivery no longer names its commit")
	}
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		payload := bytes.ReplaceAll(body, []byte(sha), fmt.Appendf(nil, "%040x", i))
		w := post(b, a, "status", fmt.Sprintf("bench-%d", i), payload, true)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d: %s", w.Code, w.Body)
		}
	}
}
