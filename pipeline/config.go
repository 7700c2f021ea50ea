package pipeline

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/google/go-github/v89/github"
	"github.com/palantir/go-githubapp/appconfig"
	"github.com/rs/zerolog"
	"go.yaml.in/yaml/v3"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/patterns"
	"github.com/totto-ci/totto/store"
	"github.com/totto-ci/totto/triage"
)

// ConfigPath is where a repository configures totto; the organisation's `.github` repository may
// hold a default at totto.yml (or .github/totto.yml) for repositories without one.
const ConfigPath = ".github/totto.yml"

// configTTL is how long a repository's configuration is reused before it is read again, so a burst
// of job events does not read the file once per job.
const configTTL = time.Minute

// RepoConfig is a repository's totto configuration. It is read from the default branch (merged,
// reviewed configuration only: a pull request cannot excuse its own failures).
type RepoConfig struct {
	// Patterns are the repository's own patterns (the pattern-file format under `patterns:`).
	Patterns []patterns.Pattern
	// NeverFlaky are job globs never called flaky; nil keeps triage's default.
	NeverFlaky []string
	// Ignore are job globs left out of the check run.
	Ignore []string
	// Builtin says whether the built-in packs apply (default true).
	Builtin bool
	// BuiltinOff switches single built-ins off for this repository (`builtin_off:`): each entry
	// names a pack ("debian") or one pattern of a pack ("debian/apt mirror sync in progress").
	BuiltinOff []string
	// Demotion tunes when a flaky pattern's record stops it making jobs flaky (`demotion:`);
	// zero fields take triage.DefaultDemotion's.
	Demotion triage.Demotion
	// KnownBrokenPasses is how many default-branch commits in a row a known-broken job must pass
	// before its annotation closes by itself (`known_broken_expiry_passes:`, default 3).
	KnownBrokenPasses int
	// Suggestions says when the check run offers a pattern for a recurring unexplained failure
	// (`suggestions:`).
	Suggestions SuggestionConfig
	// Tests says how failing tests' history makes them flaky (`tests:`).
	Tests TestsConfig
	// Rerun says when totto re-runs flaky jobs by itself (`rerun:`).
	Rerun RerunConfig
	// Comment says when totto keeps a sticky comment on the pull request (`comment:`).
	Comment CommentMode
	// File names the file read ("" when the repository has none).
	File string
	// Problems say what is wrong with the file in place; when set, the file's valid patterns and
	// keys apply, each invalid key keeps its last good value, and the check run lists the problems.
	Problems []string

	// invalid are the keys ParseConfig could not read (wholeFile: none could be); badPatterns the
	// names of the patterns it dropped. lastGood fills both in from the last good configuration.
	invalid     map[string]bool
	badPatterns []string
	// patternsUnread says the file's patterns could not be read at all, so the stored ones stay.
	patternsUnread bool
	// builtinSet says the file sets builtin; otherwise the operator's scan.builtin applies.
	builtinSet bool

	readAt time.Time
}

// triageConfig is the part of the configuration triage applies.
func (c RepoConfig) triageConfig() triage.Config {
	return triage.Config{NeverFlaky: c.NeverFlaky, Ignored: c.Ignore, Demotion: c.Demotion, FlakyTestCommits: c.Tests.FlakyCommits}
}

// defaultConfig is the configuration of a repository without a file.
func defaultConfig() RepoConfig {
	return RepoConfig{Builtin: true, KnownBrokenPasses: store.DefaultExpiryPasses, Suggestions: defaultSuggestions(), Tests: defaultTestsConfig(), Rerun: defaultRerunConfig(), Comment: CommentNever}
}

// ParseConfig decodes a .github/totto.yml. It returns the configuration and, when the file has
// errors, a patterns.Problems error listing each with its file and line. An invalid pattern does
// not stop the valid ones loading (they are in the result); any other invalid key is left at its
// default here and recorded, so that callers keep that key's last good value (see lastGood).
// Warnings (a pattern that is probably too broad) do not make a file broken.
func ParseConfig(file string, data []byte) (RepoConfig, error) {
	cfg := defaultConfig()
	cfg.File = file
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		cfg.invalid = map[string]bool{wholeFile: true}
		// The pattern parser reports YAML syntax errors with their line.
		if _, perr := patterns.Parse(file, data); perr != nil {
			return cfg, perr
		}
		return cfg, patterns.Problems{{File: file, Msg: "YAML syntax error: " + err.Error()}}
	}
	var problems patterns.Problems
	key := wholeFile
	bad := func(n *yaml.Node, format string, args ...any) {
		if cfg.invalid == nil {
			cfg.invalid = map[string]bool{}
		}
		cfg.invalid[key] = true
		problems = append(problems, patterns.Problem{File: file, Line: n.Line, Msg: fmt.Sprintf(format, args...)})
	}
	hasPatterns := false
	if len(root.Content) > 0 {
		doc := root.Content[0]
		switch {
		case doc.Kind == yaml.ScalarNode && doc.Tag == "!!null":
		case doc.Kind != yaml.MappingNode:
			bad(doc, "the configuration must be a mapping with keys %s", knownKeys)
		default:
			for i := 0; i+1 < len(doc.Content); i += 2 {
				k, v := doc.Content[i], doc.Content[i+1]
				key = k.Value
				switch k.Value {
				case "patterns":
					hasPatterns = true
					if v.Kind != yaml.SequenceNode && v.Tag != "!!null" {
						cfg.invalid = setKey(cfg.invalid, "patterns") // the list itself is broken: nothing in it is readable
					}
				case "never_flaky":
					cfg.NeverFlaky = []string{}
					if err := v.Decode(&cfg.NeverFlaky); err != nil {
						bad(v, "never_flaky must be a list of job-name globs")
					}
				case "ignore":
					if err := v.Decode(&cfg.Ignore); err != nil {
						bad(v, "ignore must be a list of job-name globs")
					}
				case "builtin":
					if err := v.Decode(&cfg.Builtin); err != nil {
						bad(v, "builtin must be true or false, got %q", v.Value)
					} else {
						cfg.builtinSet = true
					}
				case "builtin_off":
					if err := v.Decode(&cfg.BuiltinOff); err != nil {
						bad(v, "builtin_off must be a list of built-in packs or pack/pattern names")
					}
				case "demotion":
					parseDemotion(v, &cfg.Demotion, bad)
				case "known_broken_expiry_passes":
					cfg.KnownBrokenPasses = positiveInt(v, "known_broken_expiry_passes", store.DefaultExpiryPasses, bad)
				case "suggestions":
					parseSuggestions(v, &cfg.Suggestions, bad)
				case "tests":
					parseTests(v, &cfg.Tests, bad)
				case "rerun":
					parseRerun(v, &cfg.Rerun, bad)
				case "comment":
					cfg.Comment = parseCommentMode(v, bad)
				default:
					key = "" // an unknown key changes nothing
					bad(k, "unknown key %q (known: %s)", k.Value, knownKeys)
				}
			}
		}
	}
	if hasPatterns {
		ps, err := patterns.Parse(file, data)
		cfg.Patterns = ps
		var pp patterns.Problems
		if errors.As(err, &pp) {
			problems = append(problems, pp.Errors()...)
			for _, pr := range pp.Errors() {
				if pr.Pattern != "" {
					cfg.badPatterns = append(cfg.badPatterns, pr.Pattern)
				}
			}
		} else if err != nil {
			problems = append(problems, patterns.Problem{File: file, Msg: err.Error()})
		}
	}
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return cfg, problems
	}
	return cfg, nil
}

// wholeFile marks a configuration none of which could be read (a YAML syntax error, not a mapping).
const wholeFile = "*"

func setKey(m map[string]bool, k string) map[string]bool {
	if m == nil {
		m = map[string]bool{}
	}
	m[k] = true
	return m
}

// lastGood returns c with each invalid key's value taken from good, the repository's last good
// configuration (its defaults when there is none), and each invalid pattern replaced by its last
// good version of the same name, when there is one. Valid keys and patterns apply as written, so
// a typo in one place does not switch anything else off.
func (c RepoConfig) lastGood(good RepoConfig) RepoConfig {
	if c.invalid[wholeFile] {
		good.File, good.invalid, good.badPatterns, good.patternsUnread = c.File, nil, nil, true
		return good
	}
	c.patternsUnread = c.invalid["patterns"]
	for k := range c.invalid {
		switch k {
		case "patterns":
			c.Patterns = good.Patterns
		case "never_flaky":
			c.NeverFlaky = good.NeverFlaky
		case "ignore":
			c.Ignore = good.Ignore
		case "builtin":
			c.Builtin = good.Builtin
		case "demotion":
			c.Demotion = good.Demotion
		case "known_broken_expiry_passes":
			c.KnownBrokenPasses = good.KnownBrokenPasses
		case "suggestions":
			c.Suggestions = good.Suggestions
		}
	}
	if !c.invalid["patterns"] {
		valid := map[string]bool{}
		for _, p := range c.Patterns {
			valid[p.Name] = true
		}
		for _, name := range c.badPatterns {
			for _, p := range good.Patterns {
				if p.Name == name && !valid[name] {
					c.Patterns = append(c.Patterns, p)
					valid[name] = true
				}
			}
		}
	}
	c.invalid, c.badPatterns = nil, nil
	return c
}

// config returns the repository's configuration: cached for configTTL, read through appconfig
// (the repository's file, else the organisation default), with the last good value of each key
// the file in place gets wrong, and with its patterns merged into the store.
func (p *pipeline) config(ctx context.Context, gh *github.Client, repoID int64, fullName string) (RepoConfig, error) {
	now := p.Clock()
	p.mu.Lock()
	cached, ok := p.goodConfig[fullName]
	p.mu.Unlock()
	if ok && now.Sub(cached.readAt) < configTTL {
		return cached, nil
	}
	gr, err := ident.ParseRepo(fullName)
	if err != nil {
		return RepoConfig{}, err
	}
	c, err := appconfig.NewLoader([]string{ConfigPath}).LoadConfig(ctx, gh, gr.Owner, gr.Name, "")
	if err != nil {
		return RepoConfig{}, fmt.Errorf("reading %s of %s (%s): %w", c.Path, fullName, c.Source, err)
	}
	cfg := defaultConfig()
	cfg.Builtin = !p.NoBuiltin
	if !c.IsUndefined() {
		file := c.Path
		if !strings.HasPrefix(c.Source, fullName+"@") {
			file = c.Source + ":" + c.Path
		}
		parsed, perr := ParseConfig(file, c.Content)
		if !parsed.builtinSet {
			parsed.Builtin = !p.NoBuiltin
		}
		cfg = parsed
		if perr != nil {
			good := defaultConfig()
			good.Builtin = !p.NoBuiltin
			if ok {
				good = cached
			}
			cfg = parsed.lastGood(good)
			cfg.Problems = strings.Split(perr.Error(), "\n")
			zerolog.Ctx(ctx).Warn().Str("file", file).Strs("problems", cfg.Problems).
				Msg("repository configuration has problems: valid patterns loaded, last good value kept for the rest")
		}
	}
	// Patterns that could not be read at all stay as stored (after a restart there is no last
	// good configuration in memory, and syncing nothing would retire them).
	if !cfg.patternsUnread {
		if err := p.syncRepoPatterns(ctx, repoID, fullName, cfg.Patterns); err != nil {
			return RepoConfig{}, err
		}
	}
	cfg.readAt, cfg.patternsUnread = now, false
	p.mu.Lock()
	p.goodConfig[fullName] = cfg
	p.mu.Unlock()
	return cfg, nil
}
