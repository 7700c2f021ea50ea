package pipeline_test

import (
	"testing"

	"github.com/prometheus/client_golang/prometheus/testutil"
	dto "github.com/prometheus/client_model/go"

	"github.com/totto-ci/totto/metrics"
)

// The App's byte and time metrics are counted by a real pipeline run: a failed job's log is
// downloaded from the fake GitHub, stored and scanned.
func TestPipelineCountsMetrics(t *testing.T) {
	e := newEnv(t, backends[0])
	m := metrics.New()
	e.deps.Metrics = m
	gha := e.ghaJob(101, "build (linux)", "failure", "compile_error.log")
	logSize := len(corpusFile(t, "logs", "pytorch-dev", "clean", "compile_error.log"))
	e.start()
	e.enqueue(gha)
	e.drain()

	if got := testutil.ToFloat64(m.LogBytes); got != float64(logSize) {
		t.Errorf("totto_log_download_bytes_total = %v, want the log's %d bytes", got, logSize)
	}
	if got := testutil.ToFloat64(m.ScanBytes); got != float64(logSize) {
		t.Errorf("totto_scan_bytes_total = %v, want %d", got, logSize)
	}
	if got := testutil.ToFloat64(m.ScanSeconds); got <= 0 {
		t.Errorf("totto_scan_seconds_total = %v, want > 0", got)
	}
	for name, want := range map[string]uint64{"totto_log_download_seconds": 1, "totto_scan_duration_seconds": 1} {
		if got := histogramCount(t, m, name); got != want {
			t.Errorf("%s count = %d, want %d", name, got, want)
		}
	}
}

// histogramCount is the number of observations of an unlabelled histogram.
func histogramCount(t *testing.T, m *metrics.Metrics, name string) uint64 {
	t.Helper()
	mfs, err := m.Registry.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() == name && mf.GetType() == dto.MetricType_HISTOGRAM && len(mf.Metric) == 1 {
			return mf.Metric[0].GetHistogram().GetSampleCount()
		}
	}
	t.Fatalf("no histogram %s", name)
	return 0
}
