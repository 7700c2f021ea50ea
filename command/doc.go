// Package command is the /totto slash-command language: the prefix, the commands, their help text
// and the parser that finds them in a comment body. It is pure (no I/O): the webhook handlers use
// the prefix to decide whether a comment is worth a job, and the pipeline's command worker parses
// and carries the commands out.
package command
