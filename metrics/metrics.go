// Package metrics holds the Prometheus collectors of the App in one place, so that the webhook
// intake, the queue and the pipeline workers count into the same registry without importing each
// other (the pipeline cannot import app, which imports the handlers, which import the pipeline's
// job args).
package metrics

import (
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the App's counters and gauges. One value is built per process by app.New and
// handed to every part that counts something; all collectors are registered on Registry, which
// /metrics serves.
type Metrics struct {
	// Registry is what /metrics exposes; tests read values back from it.
	Registry *prometheus.Registry

	// Webhooks counts webhook deliveries by event and outcome (handled, ignored, unauthorized,
	// invalid, error), so a wrong secret or a failing database shows up.
	Webhooks *prometheus.CounterVec
	// QueueJobs counts queue job events seen by this process by job kind and state (completed,
	// failed, cancelled, snoozed), so stuck or failing work shows up.
	QueueJobs *prometheus.CounterVec
	// GitHubRequests counts GitHub API calls by status class (2xx, 3xx, 4xx, 5xx, error).
	GitHubRequests *prometheus.CounterVec
	// GitHubRateRemaining is the last seen X-RateLimit-Remaining per rate-limit resource (core,
	// graphql, …), to warn before the App runs out of API calls.
	GitHubRateRemaining *prometheus.GaugeVec

	// ScanBytes counts log bytes scanned for patterns. The pipeline adds to it after each scan.
	ScanBytes prometheus.Counter
	// ScanSeconds counts wall time spent scanning logs; with ScanBytes it gives the scan
	// throughput. The pipeline adds to it after each scan.
	ScanSeconds prometheus.Counter
	// LogBytes counts raw log bytes downloaded from CI providers. The pipeline adds to it after
	// each download.
	LogBytes prometheus.Counter

	// WebhookAck is the time from a delivery's arrival to totto's answer (GitHub gives up after
	// 10 s and marks the delivery failed).
	WebhookAck prometheus.Histogram
	// JobSeconds is how long queue jobs ran in this process, by kind.
	JobSeconds *prometheus.HistogramVec
	// LogDownloadSeconds is the time to download and store one CI log.
	LogDownloadSeconds prometheus.Histogram
	// ScanDuration is the time to scan one stored log with the patterns not yet run over it.
	ScanDuration prometheus.Histogram
}

// durationBuckets span a fast webhook answer to a slow log download (5 ms to 5 min).
var durationBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300}

// New builds the collectors and registers them, with Go runtime and process collectors, on a
// fresh registry (never the global one, so tests can build many Apps in one process).
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		Registry: reg,
		Webhooks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "totto_webhooks_total",
			Help: "Webhook deliveries received, by event and outcome.",
		}, []string{"event", "outcome"}),
		QueueJobs: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "totto_queue_jobs_total",
			Help: "Queue jobs finished or rescheduled in this process, by kind and state.",
		}, []string{"kind", "state"}),
		GitHubRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "totto_github_requests_total",
			Help: "GitHub API requests, by response status class.",
		}, []string{"status"}),
		GitHubRateRemaining: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "totto_github_rate_limit_remaining",
			Help: "Last seen GitHub API rate limit remaining, by rate-limit resource.",
		}, []string{"resource"}),
		ScanBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "totto_scan_bytes_total",
			Help: "Log bytes scanned for patterns.",
		}),
		ScanSeconds: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "totto_scan_seconds_total",
			Help: "Seconds spent scanning logs for patterns.",
		}),
		LogBytes: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "totto_log_download_bytes_total",
			Help: "Raw CI log bytes downloaded.",
		}),
		WebhookAck: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "totto_webhook_ack_seconds", Buckets: durationBuckets,
			Help: "Time from a webhook delivery's arrival to totto's answer.",
		}),
		JobSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "totto_job_duration_seconds", Buckets: durationBuckets,
			Help: "Run time of queue jobs in this process, by kind.",
		}, []string{"kind"}),
		LogDownloadSeconds: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "totto_log_download_seconds", Buckets: durationBuckets,
			Help: "Time to download and store one CI log.",
		}),
		ScanDuration: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name: "totto_scan_duration_seconds", Buckets: durationBuckets,
			Help: "Time to scan one stored log for patterns.",
		}),
	}
	reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.Webhooks, m.QueueJobs, m.GitHubRequests, m.GitHubRateRemaining,
		m.ScanBytes, m.ScanSeconds, m.LogBytes,
		m.WebhookAck, m.JobSeconds, m.LogDownloadSeconds, m.ScanDuration,
		buildInfo(),
	)
	return m
}
