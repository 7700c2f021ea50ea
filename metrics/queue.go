package metrics

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// BacklogFunc reads the queue's unfinished jobs by state and how long the oldest due job has
// waited.
type BacklogFunc func(ctx context.Context) (byState map[string]int64, oldestWait time.Duration, err error)

// queueStates are always reported, so a dashboard sees 0 rather than no series.
var queueStates = []string{"available", "scheduled", "retryable", "running"}

// backlogCollector asks the database at each scrape: the gauges are then the whole queue's (every
// replica's jobs), not this process's view.
type backlogCollector struct {
	read   BacklogFunc
	depth  *prometheus.Desc
	oldest *prometheus.Desc
	failed *prometheus.Desc
}

// NewQueueBacklog returns the totto_queue_depth{state} and totto_queue_oldest_job_age_seconds
// gauges, read through read at each scrape (bounded to two seconds). Register it on Registry.
func NewQueueBacklog(read BacklogFunc) prometheus.Collector {
	return &backlogCollector{
		read: read,
		depth: prometheus.NewDesc("totto_queue_depth",
			"Unfinished queue jobs in the database, by state.", []string{"state"}, nil),
		oldest: prometheus.NewDesc("totto_queue_oldest_job_age_seconds",
			"How long the oldest job due to run has waited for a worker (0 when none waits).", nil, nil),
		failed: prometheus.NewDesc("totto_queue_backlog_up",
			"1 when the queue backlog could be read at this scrape, 0 when the database did not answer.", nil, nil),
	}
}

func (c *backlogCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.depth
	ch <- c.oldest
	ch <- c.failed
}

func (c *backlogCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	byState, oldest, err := c.read(ctx)
	if err != nil {
		ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, 0)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.failed, prometheus.GaugeValue, 1)
	for _, s := range queueStates {
		ch <- prometheus.MustNewConstMetric(c.depth, prometheus.GaugeValue, float64(byState[s]), s)
	}
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, oldest.Seconds())
}
