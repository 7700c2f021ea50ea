package main

import (
	"flag"
	"fmt"

	"github.com/totto-ci/totto/app"
)

// configFlags are the configuration flags every command that reads configuration shares: --config
// and, for those that open the store, --database and --logs (addStoreLocation). Every command
// resolves them the same way (app.Resolve: flags > TOTTO_* environment > config file >
// defaults), so serve, ingest, rescan and the rest agree on the database and the log store.
type configFlags struct {
	config   string
	database string
	logs     string
	fs       *flag.FlagSet

	loaded   bool
	cfg      app.Config
	file     string
	warnings []string
	err      error
}

const configFlagsHelp = `
Configuration: --config FILE, else $TOTTO_CONFIG, else ./config.yml when present; every key can
be overridden by its TOTTO_* variable (database.url: TOTTO_DATABASE_URL) and the flags override
both. The store is --database, else database.url (default sqlite:totto.db): sqlite:PATH or
postgres://USER@HOST:PORT/DB?sslmode=…. Log contents go to --logs, else logs.storage, else a
totto-logs directory next to the SQLite file (or in the working directory for Postgres): a
directory, file:///DIR, mem:// or s3://BUCKET?region=….
`

func addConfigFlags(fs *flag.FlagSet) *configFlags {
	f := &configFlags{fs: fs}
	fs.StringVar(&f.config, "config", "", "configuration `FILE` (default $"+app.ConfigEnvVar+", else ./"+app.DefaultConfigFile+" when present)")
	return f
}

// addStoreLocation adds --database and --logs, for commands that open the store.
func (f *configFlags) addStoreLocation() *configFlags {
	f.fs.StringVar(&f.database, "database", "", "database `URL`: sqlite:PATH or postgres://… (overrides database.url)")
	f.fs.StringVar(&f.logs, "logs", "", "log store: directory or URL (overrides logs.storage; default totto-logs next to the database)")
	return f
}

// explicit reports whether the named flag was given on the command line.
func (f *configFlags) explicit(name string) bool {
	set := false
	f.fs.Visit(func(fl *flag.Flag) { set = set || fl.Name == name })
	return set
}

// resolve returns the configuration with the flags applied, computed once per command run.
func (f *configFlags) resolve(env *cliEnv) (app.Config, []string, error) {
	if !f.loaded {
		f.loaded = true
		var environ []string
		if env.environ != nil {
			environ = env.environ()
		}
		f.cfg, f.file, f.warnings, f.err = app.Resolve(app.ConfigSource{Path: f.config, Getenv: env.getenv, Environ: environ})
		if f.err != nil {
			f.err = withCode(exitUsage, f.err)
		}
		if w := pprofWarning(env.getenv); w != "" {
			f.warnings = append(f.warnings, w)
		}
		if f.database != "" {
			f.cfg.Database.URL = f.database
		}
		if f.logs != "" {
			f.cfg.Logs.Storage = f.logs
		}
	}
	return f.cfg, f.warnings, f.err
}

// load is resolve for the CLI commands: warnings go to standard error.
func (f *configFlags) load(env *cliEnv) (app.Config, error) {
	printed := f.loaded
	cfg, warnings, err := f.resolve(env)
	if !printed {
		for _, w := range warnings {
			fmt.Fprintf(env.stderr, "totto: warning: %s\n", w)
		}
	}
	return cfg, err
}
