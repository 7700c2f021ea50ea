// Package scan runs stored logs through the stored patterns: the incremental rescan (every
// (log, active pattern) pair not scanned yet, resumable, one transaction per log) used by the
// pipeline, the CLI and backfill, the compiled-matcher cache, and the durable rescan job the web
// UI queues when a pattern is saved. The store only persists; reading blobs, compiling patterns
// and scanning happen here.
package scan
