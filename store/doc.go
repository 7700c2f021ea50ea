// Package store persists jobs, logs, patterns, matches, scan watermarks and annotations, behind one
// Store interface with Postgres and embedded SQLite implementations.
package store
