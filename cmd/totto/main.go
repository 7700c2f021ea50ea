// Command totto tells a developer why CI failed: it scans CI logs with curated patterns, stores
// jobs, logs and matches, serves the GitHub App and web UI, and backfills a branch's history.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"syscall"
)

// Exit codes shared by every subcommand; `totto scan` documents its own meaning for 1.
const (
	exitOK       = 0
	exitFindings = 1 // e.g. scan: a log had no explanation; validate: problems found
	exitUsage    = 2
	exitError    = 3
)

// command is one subcommand. Each lives in its own file and registers itself in init.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, env *cliEnv, args []string) error
}

// cliEnv is what a command may touch of the outside world, so tests can run commands in-process.
type cliEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
	getenv func(string) string
	// environ lists the environment (KEY=VALUE), for warnings about unknown TOTTO_* variables;
	// nil skips them.
	environ func() []string
}

var commands = map[string]*command{}

func register(c *command) { commands[c.name] = c }

// exitError carries a specific exit code out of a command.
type codeError struct {
	code int
	err  error
}

func (e *codeError) Error() string { return e.err.Error() }
func (e *codeError) Unwrap() error { return e.err }

// withCode wraps err so that the process exits with code.
func withCode(code int, err error) error { return &codeError{code: code, err: err} }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	env := &cliEnv{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr, getenv: os.Getenv, environ: os.Environ}
	code := runCLI(ctx, env, os.Args[1:])
	stop()
	os.Exit(code)
}

// runCLI dispatches to a subcommand and maps its error to an exit code.
func runCLI(ctx context.Context, env *cliEnv, args []string) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	c, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(env.stderr, "totto: unknown command %q\n\n", args[0])
		usage(env.stderr)
		return exitUsage
	}
	err := c.run(ctx, env, args[1:])
	if err == nil {
		return exitOK
	}
	var ce *codeError
	if errors.As(err, &ce) {
		if ce.err != nil && ce.err.Error() != "" {
			fmt.Fprintf(env.stderr, "totto %s: %v\n", c.name, ce.err)
		}
		return ce.code
	}
	fmt.Fprintf(env.stderr, "totto %s: %v\n", c.name, err)
	return exitError
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: totto <command> [flags] [args]\n\ncommands:")
	names := make([]string, 0, len(commands))
	for n := range commands {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-10s %s\n", n, commands[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'totto <command> --help' for a command's flags.")
}
