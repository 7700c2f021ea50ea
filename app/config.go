package app

import (
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"io"
	"os"
	"reflect"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/totto-ci/totto/redact"
)

// Config is everything an operator sets. It is read from config.yml and then overridden by
// TOTTO_* environment variables, so secrets never have to be written into a file.
type Config struct {
	Database struct {
		URL string `yaml:"url"`
	} `yaml:"database"`
	Logs struct {
		// Storage is where log contents live; empty: beside the SQLite database (LogStorage).
		Storage  string `yaml:"storage"`
		MaxBytes int64  `yaml:"max_bytes"`
		// Hosts are extra hosts log content may be downloaded from, beside the providers' own
		// (GitHub Enterprise Server, a self-hosted CircleCI); TOTTO_LOGS_HOSTS takes a comma list.
		Hosts []string `yaml:"hosts"`
	} `yaml:"logs"`
	Scan struct {
		Builtin bool `yaml:"builtin"`
	} `yaml:"scan"`
	Server struct {
		Listen    string `yaml:"listen"`
		PublicURL string `yaml:"public_url"`
		// SessionKey (32 bytes, hex or base64; TOTTO_SERVER_SESSION_KEY) protects web UI sessions
		// stored in the database. Replicas must share it so that a sign-in works on all of them
		// and survives restarts; empty: a key is made per process, and sessions do neither.
		SessionKey string `yaml:"session_key"`
	} `yaml:"server"`
	GitHub struct {
		AppID          int64  `yaml:"app_id"`
		PrivateKeyPath string `yaml:"private_key_path"`
		PrivateKey     string `yaml:"private_key"`
		WebhookSecret  string `yaml:"webhook_secret"`
		APIURL         string `yaml:"api_url"`
		// WebURL is GitHub's web root for the UI's sign-in (empty: https://github.com; set it
		// for GitHub Enterprise Server).
		WebURL string `yaml:"web_url"`
		// OAuthClientID and OAuthClientSecret are the App's OAuth credentials for signing in to
		// the web UI. Without them the UI only runs with --dev-insecure, where anyone can edit.
		OAuthClientID     string `yaml:"oauth_client_id"`
		OAuthClientSecret string `yaml:"oauth_client_secret"`
	} `yaml:"github"`
	CircleCI struct {
		// Token reads private CircleCI projects' logs (TOTTO_CIRCLECI_TOKEN); public projects
		// need none.
		Token string `yaml:"token"`
		// APIURL is CircleCI's API v1.1 root; empty means circleci.com.
		APIURL string `yaml:"api_url"`
	} `yaml:"circleci"`
	Workers struct {
		Count int `yaml:"count"`
	} `yaml:"workers"`
	// Redact adds the operator's rules to the built-in secret redaction that every surface
	// quoting log text applies (check runs, the UI, the API, the CLI).
	Redact struct {
		// Rules: each regex's matches (or its `secret` group) are shown as [REDACTED].
		Rules []redact.Rule `yaml:"rules"`
	} `yaml:"redact"`
	// Backfill is the scheduled backfill of every installed repository's default branch, which
	// keeps history complete (jobs missed while the App was down) without an operator.
	Backfill struct {
		// Interval between rounds; 0 turns the scheduled backfill off.
		Interval Span `yaml:"interval"`
		// Limit bounds a round to this many recent workflow runs (each with its jobs) per
		// repository.
		Limit int `yaml:"limit"`
		// Since bounds a round to runs created within this span before it.
		Since Span `yaml:"since"`
	} `yaml:"backfill"`
}

// DefaultConfig is what totto runs with when nothing is configured: the embedded store in the
// working directory, logs beside it (Config.LogStorage), built-in packs on.
func DefaultConfig() Config {
	var c Config
	c.Database.URL = "sqlite:totto.db"
	// Logs.Storage stays empty: LogStorage derives it from the database URL.
	c.Logs.MaxBytes = 256 << 20
	c.Scan.Builtin = true
	c.Server.Listen = ":8080"
	c.Server.PublicURL = "http://localhost:8080"
	c.Workers.Count = 4
	c.Backfill.Interval = Span(6 * time.Hour)
	c.Backfill.Limit = 200
	c.Backfill.Since = Span(14 * 24 * time.Hour)
	return c
}

// LoadConfig reads path (a missing file is not an error when optional is true) over the defaults,
// then applies TOTTO_* overrides from getenv. Unknown keys are errors, so a typo is not silently
// ignored.
func LoadConfig(path string, optional bool, getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	if path != "" {
		data, err := os.ReadFile(path)
		switch {
		case err != nil && optional && errors.Is(err, os.ErrNotExist):
		case err != nil:
			return c, fmt.Errorf("reading config %s: %w", path, err)
		default:
			dec := yaml.NewDecoder(bytes.NewReader(data))
			dec.KnownFields(true)
			if err := dec.Decode(&c); err != nil && !errors.Is(err, io.EOF) { // an empty file means all defaults
				return c, fmt.Errorf("config %s: %w", path, err)
			}
		}
	}
	if err := applyEnv(reflect.ValueOf(&c).Elem(), "TOTTO", getenv); err != nil {
		return c, err
	}
	return c, nil
}

// applyEnv walks the config struct and overrides each leaf from PREFIX_SECTION_KEY.
func applyEnv(v reflect.Value, prefix string, getenv func(string) string) error {
	t := v.Type()
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key := strings.Split(f.Tag.Get("yaml"), ",")[0]
		name := prefix + "_" + strings.ToUpper(key)
		fv := v.Field(i)
		if f.Type.Kind() == reflect.Struct {
			if err := applyEnv(fv, name, getenv); err != nil {
				return err
			}
			continue
		}
		raw := getenv(name)
		if raw == "" {
			continue
		}
		if u, ok := fv.Addr().Interface().(encoding.TextUnmarshaler); ok {
			if err := u.UnmarshalText([]byte(raw)); err != nil {
				return fmt.Errorf("%s=%q: %w", name, raw, err)
			}
			continue
		}
		switch f.Type.Kind() {
		case reflect.String:
			fv.SetString(raw)
		case reflect.Bool:
			b, err := strconv.ParseBool(raw)
			if err != nil {
				return fmt.Errorf("%s=%q: want true or false", name, raw)
			}
			fv.SetBool(b)
		case reflect.Int, reflect.Int64:
			n, err := strconv.ParseInt(raw, 10, 64)
			if err != nil {
				return fmt.Errorf("%s=%q: want a whole number", name, raw)
			}
			fv.SetInt(n)
		case reflect.Slice:
			if f.Type.Elem().Kind() != reflect.String {
				return fmt.Errorf("%s: unsupported config type %s", name, f.Type)
			}
			fv.Set(reflect.ValueOf(strings.Split(raw, ",")))
		default:
			return fmt.Errorf("%s: unsupported config type %s", name, f.Type)
		}
	}
	return nil
}
