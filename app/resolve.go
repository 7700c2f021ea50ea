package app

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	"github.com/totto-ci/totto/store/sqlite"
)

// ConfigEnvVar names the configuration file when --config is not given.
const ConfigEnvVar = "TOTTO_CONFIG"

// DefaultConfigFile is read when neither --config nor TOTTO_CONFIG names a file and it exists.
const DefaultConfigFile = "config.yml"

// envOnly are the TOTTO_* variables that are not config.yml keys: the configuration file itself,
// the log level, and those the release build, the test suites and benchmarks read (a CI machine
// exports them to every process it starts).
var envOnly = []string{ConfigEnvVar, "TOTTO_LOG_LEVEL",
	"TOTTO_VERSION", "TOTTO_COMMIT", "TOTTO_RELEASE_BUILD",
	"TOTTO_TEST_POSTGRES", "TOTTO_REQUIRE_POSTGRES", "TOTTO_REQUIRE_CHROMIUM", "TOTTO_CORPUS", "TOTTO_FULL_CORPUS",
	"TOTTO_HOSTILE_LOG_MB", "TOTTO_BACKFILL_SCALE", "TOTTO_RELIABILITY_POSTGRES",
	"TOTTO_BIN", "TOTTO_PPROF"} // the reliability suite's prebuilt binary; a pprofdebug build's profiles

// deprecatedEnv maps old variable names to the ones that replace them; the old name still works
// (below the new one) and is warned about.
var deprecatedEnv = map[string]string{"TOTTO_LOG_STORE": "TOTTO_LOGS_STORAGE"}

// ConfigSource says where Resolve reads the configuration from besides the defaults.
type ConfigSource struct {
	// Path is the --config flag ("" when not given): else TOTTO_CONFIG, else ./config.yml when
	// it exists. A file named by the flag or the variable must exist.
	Path string
	// Getenv reads the environment (os.Getenv).
	Getenv func(string) string
	// Environ lists the environment as KEY=VALUE (os.Environ), for warnings about unknown TOTTO_*
	// variables; nil skips them.
	Environ []string
}

// Resolve is the one configuration resolver of every command: the defaults, then the
// configuration file, then TOTTO_* environment variables. Commands apply their flags over the
// result (flags > environment > file > defaults). file is the file read ("" for none); warnings
// name unknown and deprecated variables.
func Resolve(src ConfigSource) (cfg Config, file string, warnings []string, err error) {
	getenv := src.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	file, optional := src.Path, false
	if file == "" {
		file = getenv(ConfigEnvVar)
	}
	if file == "" {
		file, optional = DefaultConfigFile, true
	}
	for old, now := range deprecatedEnv {
		if getenv(old) != "" {
			warnings = append(warnings, fmt.Sprintf("%s is deprecated: use %s", old, now))
		}
	}
	get := func(k string) string {
		if v := getenv(k); v != "" {
			return v
		}
		for old, now := range deprecatedEnv {
			if now == k {
				return getenv(old)
			}
		}
		return ""
	}
	cfg, err = LoadConfig(file, optional, get)
	if err != nil {
		return cfg, "", warnings, err
	}
	if optional {
		if _, serr := os.Stat(file); errors.Is(serr, os.ErrNotExist) {
			file = ""
		}
	}
	warnings = append(warnings, unknownEnv(src.Environ)...)
	return cfg, file, warnings, nil
}

// EnvNames lists every TOTTO_* variable totto reads: one per config.yml key, and the few that are
// not keys.
func EnvNames() []string {
	var names []string
	collectEnv(reflect.TypeOf(Config{}), "TOTTO", &names)
	names = append(names, envOnly...)
	sort.Strings(names)
	return names
}

func collectEnv(t reflect.Type, prefix string, names *[]string) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		name := prefix + "_" + strings.ToUpper(strings.Split(f.Tag.Get("yaml"), ",")[0])
		if f.Type.Kind() == reflect.Struct {
			collectEnv(f.Type, name, names)
			continue
		}
		*names = append(*names, name)
	}
}

// unknownEnv names the TOTTO_* variables of environ that nothing reads: a typo there would
// otherwise be silently ignored.
func unknownEnv(environ []string) []string {
	known := map[string]bool{}
	for _, n := range EnvNames() {
		known[n] = true
	}
	for old := range deprecatedEnv {
		known[old] = true
	}
	var out []string
	for _, kv := range environ {
		k, _, _ := strings.Cut(kv, "=")
		if !strings.HasPrefix(k, "TOTTO_") || known[k] {
			continue
		}
		msg := fmt.Sprintf("unknown environment variable %s is ignored", k)
		if s := closestName(k, EnvNames()); s != "" {
			msg += fmt.Sprintf(" (did you mean %s?)", s)
		}
		out = append(out, msg)
	}
	sort.Strings(out)
	return out
}

// closestName suggests the known name within a few edits of name, or "".
func closestName(name string, known []string) string {
	best, bestD := "", 4
	for _, k := range known {
		if d := editDistance(name, k); d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

// LogStorage is where log contents live: logs.storage when set, else a totto-logs directory next
// to the SQLite database file (so `--database sqlite:/x/totto.db` keeps everything in /x for every
// command), else totto-logs in the working directory.
func (c Config) LogStorage() string {
	if c.Logs.Storage != "" {
		return c.Logs.Storage
	}
	if strings.HasPrefix(c.Database.URL, "sqlite:") {
		if p, err := sqlite.Path(c.Database.URL); err == nil && p != ":memory:" {
			return filepath.Join(filepath.Dir(p), "totto-logs")
		}
	}
	return "totto-logs"
}
