package main

import (
	"fmt"
	"os"

	"github.com/totto-ci/totto/app"
)

// The store commands read config.yml too (DESIGN.md: --database, then TOTTO_DATABASE_URL, then
// database.url in config.yml): the file named by TOTTO_CONFIG, else ./config.yml when present.
func init() {
	configDatabaseURL = func(env *cliEnv) string { return cliConfig(env).Database.URL }
	configLogStore = func(env *cliEnv) string { return cliConfig(env).Logs.Storage }
}

// cliConfigPath is the configuration file the store commands read, or "" when there is none.
func cliConfigPath(env *cliEnv) string {
	if p := env.getenv("TOTTO_CONFIG"); p != "" {
		return p
	}
	if _, err := os.Stat("config.yml"); err == nil {
		return "config.yml"
	}
	return ""
}

// cliConfig loads the configuration file; with none, nothing is configured (the commands' own
// defaults apply); a broken file is reported, not silently ignored.
func cliConfig(env *cliEnv) app.Config {
	path := cliConfigPath(env)
	if path == "" {
		return app.Config{}
	}
	cfg, err := app.LoadConfig(path, false, func(string) string { return "" })
	if err != nil {
		fmt.Fprintf(env.stderr, "totto: %v (ignoring it)\n", err)
		return app.Config{}
	}
	return cfg
}
