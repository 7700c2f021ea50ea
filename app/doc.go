// Package app wires totto together: configuration (config.yml and TOTTO_* environment), the HTTP
// server (webhooks, UI, API, health, metrics), the background workers and the scheduled backfill.
package app
