package metrics

import (
	"github.com/prometheus/client_golang/prometheus"

	"github.com/totto-ci/totto/internal/version"
)

// buildInfo is totto_build_info{version,commit,go_version} 1: which build each process runs, so a
// half-finished rollout shows on a dashboard.
func buildInfo() prometheus.Collector {
	v := version.Get()
	g := prometheus.NewGauge(prometheus.GaugeOpts{
		Name:        "totto_build_info",
		Help:        "The running build: always 1, labelled with its version, commit and Go version.",
		ConstLabels: prometheus.Labels{"version": v.Version, "commit": v.Commit, "go_version": v.GoVersion},
	})
	g.Set(1)
	return g
}
