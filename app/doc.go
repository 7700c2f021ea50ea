// Package app wires totto together: configuration (config.yml and TOTTO_* environment), the HTTP
// server (webhooks, UI, API, health, metrics) and the background workers.
package app
