// Package handlers holds one small handler per GitHub webhook event and the /totto slash-command
// parser. Handlers do only cheap work and enqueue durable jobs for everything slow.
package handlers
