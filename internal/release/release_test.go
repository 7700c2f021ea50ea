package release

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/totto-ci/totto/app"
)

// root is the repository's top directory.
const root = "../.."

func read(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The licence is Apache-2.0, and no source file claims another one (docs/licensing.md).
func TestLicence(t *testing.T) {
	if l := read(t, "LICENSE"); !strings.Contains(l, "Apache License\n                           Version 2.0, January 2004") ||
		!strings.Contains(l, "END OF TERMS AND CONDITIONS") {
		t.Fatal("LICENSE is not the Apache License 2.0 text")
	}
	// Only comment lines count: a licence header is a comment.
	other := regexp.MustCompile(`(?im)^\s*//.*(?:SPDX-License-Identifier:\s*(\S+)|\b(?:GNU General Public License|Mozilla Public License|MIT License)\b)`)
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (d.Name() == ".git" || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") {
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		head := string(b[:min(len(b), 2048)])
		if m := other.FindStringSubmatch(head); m != nil && m[1] != "Apache-2.0" {
			t.Errorf("%s: licence header %q; the repository is Apache-2.0 (docs/licensing.md)", path, m[0])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// The image is built by the same script as `make build`, from fully named base images, and checks
// its health with totto itself.
func TestDockerfile(t *testing.T) {
	df := read(t, "Dockerfile")
	for _, m := range regexp.MustCompile(`(?m)^FROM\s+(\S+)`).FindAllStringSubmatch(df, -1) {
		image := m[1]
		host, _, ok := strings.Cut(image, "/")
		if !ok || !strings.ContainsAny(host, ".:") {
			t.Errorf("base image %q is not fully named (registry/repository:tag)", image)
		}
		if !strings.Contains(image[strings.LastIndex(image, "/"):], ":") && !strings.Contains(image, "@sha256:") {
			t.Errorf("base image %q has no tag or digest", image)
		}
	}
	if !regexp.MustCompile(`(?m)^RUN \./scripts/build\.sh /out/totto `).MatchString(df) {
		t.Error("the Dockerfile does not build with scripts/build.sh")
	}
	if !regexp.MustCompile(`(?m)^build:\n\t\./scripts/build\.sh bin/totto$`).MatchString(read(t, "Makefile")) {
		t.Error("make build does not use scripts/build.sh")
	}
	if !regexp.MustCompile(`(?m)^HEALTHCHECK .*CMD \["/usr/local/bin/totto", "healthcheck"\]`).MatchString(df) {
		t.Error("the Dockerfile's HEALTHCHECK does not run totto healthcheck")
	}
	if !strings.Contains(df, "ENV TOTTO_CONFIG=/etc/totto/config.yml") {
		t.Error("the image does not point every command at its config file")
	}
}

// The release build (scripts/build.sh, as the Dockerfile runs it) produces a binary that reports
// the version and commit it was stamped with. On a cache without -trimpath builds it rebuilds
// every dependency (minutes on a small machine), so it runs when TOTTO_RELEASE_BUILD=1: `make
// release-check`, which `make test` runs after stages compiled with the same settings.
func TestReleaseBuild(t *testing.T) {
	if os.Getenv("TOTTO_RELEASE_BUILD") != "1" {
		t.Skip("set TOTTO_RELEASE_BUILD=1 to build the release binary")
	}
	if _, err := exec.LookPath("sh"); err != nil {
		t.Skip("no sh")
	}
	bin := filepath.Join(t.TempDir(), "totto")
	cmd := exec.CommandContext(t.Context(), "sh", "./scripts/build.sh", bin, "v9.8.7", "0123abc")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("scripts/build.sh: %v\n%s", err, out)
	}
	out, err := exec.CommandContext(context.Background(), bin, "version").Output()
	if err != nil {
		t.Fatal(err)
	}
	if want := "totto v9.8.7 (commit 0123abc, " + runtime.Version() + ")\n"; string(out) != want {
		t.Errorf("totto version = %q, want %q", out, want)
	}
	if b, _ := os.ReadFile(bin); bytes.Contains(b, []byte(root)) && bytes.Contains(b, []byte("/wt-")) {
		t.Error("the binary holds build paths (-trimpath missing)")
	}
}

// yamlDocs decodes every document of a YAML file.
func yamlDocs(t *testing.T, name string) []map[string]any {
	t.Helper()
	dec := yaml.NewDecoder(strings.NewReader(read(t, name)))
	var docs []map[string]any
	for {
		var d map[string]any
		if err := dec.Decode(&d); err != nil {
			if err.Error() == "EOF" {
				return docs
			}
			t.Fatalf("%s: %v", name, err)
		}
		docs = append(docs, d)
	}
}

func knownEnv() map[string]bool {
	known := map[string]bool{}
	for _, n := range app.EnvNames() {
		known[n] = true
	}
	return known
}

// deploy/compose.yml is a valid Compose file for totto + Postgres: known top-level keys, every
// volume, secret and dependency it names declared, data on named volumes, the session key set,
// health checks, and only TOTTO_* settings totto reads.
func TestComposeFile(t *testing.T) {
	docs := yamlDocs(t, "deploy/compose.yml")
	if len(docs) != 1 {
		t.Fatalf("%d documents", len(docs))
	}
	c := docs[0]
	for k := range c {
		switch k {
		case "name", "services", "volumes", "secrets", "networks", "configs":
		default:
			t.Errorf("unknown top-level key %q", k)
		}
	}
	services, _ := c["services"].(map[string]any)
	volumes, _ := c["volumes"].(map[string]any)
	secrets, _ := c["secrets"].(map[string]any)
	if services["totto"] == nil || services["postgres"] == nil {
		t.Fatalf("want services totto and postgres, got %v", services)
	}
	known := knownEnv()
	interp := regexp.MustCompile(`\$\{[A-Z0-9_]+(:?[-?][^}]*)?\}`)
	for name, raw := range services {
		s, _ := raw.(map[string]any)
		if s["image"] == nil && s["build"] == nil {
			t.Errorf("service %s: neither image nor build", name)
		}
		if img, ok := s["image"].(string); ok && name == "postgres" && !strings.Contains(strings.Split(img, "/")[0], ".") {
			t.Errorf("service %s: image %q is not fully named", name, img)
		}
		for _, v := range asList(s["volumes"]) {
			src, _, _ := strings.Cut(v.(string), ":")
			if volumes == nil || !hasKey(volumes, src) {
				t.Errorf("service %s: volume %q is not declared", name, src)
			}
		}
		for _, sec := range asList(s["secrets"]) {
			if !hasKey(secrets, sec.(string)) {
				t.Errorf("service %s: secret %q is not declared", name, sec)
			}
		}
		deps, _ := s["depends_on"].(map[string]any)
		for d := range deps {
			if services[d] == nil {
				t.Errorf("service %s depends on unknown %s", name, d)
			}
		}
		hc, _ := s["healthcheck"].(map[string]any)
		if test := asList(hc["test"]); len(test) < 2 || test[0] != "CMD" {
			t.Errorf("service %s: healthcheck.test %v, want [CMD, …]", name, hc["test"])
		}
		env, _ := s["environment"].(map[string]any)
		for k, v := range env {
			if vs, ok := v.(string); ok && strings.Contains(vs, "${") && !interp.MatchString(vs) {
				t.Errorf("service %s: %s=%q: bad interpolation", name, k, vs)
			}
			if name == "totto" && !known[k] {
				t.Errorf("service totto sets %s, which totto does not read", k)
			}
		}
		if name == "totto" {
			for _, need := range []string{"TOTTO_DATABASE_URL", "TOTTO_SERVER_SESSION_KEY", "TOTTO_GITHUB_WEBHOOK_SECRET"} {
				if env[need] == nil {
					t.Errorf("service totto does not set %s", need)
				}
			}
			if !strings.HasPrefix(env["TOTTO_DATABASE_URL"].(string), "postgres://") {
				t.Error("totto does not use the Postgres service")
			}
		}
	}
}

// The Kubernetes example runs the image with liveness on /healthz and readiness on /readyz on a
// declared port, and sets only TOTTO_* settings totto reads.
func TestKubernetesExample(t *testing.T) {
	docs := yamlDocs(t, "deploy/kubernetes/totto.yaml")
	kinds := map[string]bool{}
	known := knownEnv()
	for _, d := range docs {
		kind, _ := d["kind"].(string)
		meta, _ := d["metadata"].(map[string]any)
		if d["apiVersion"] == nil || kind == "" || meta["name"] == nil {
			t.Errorf("object without apiVersion, kind or name: %v", d)
		}
		kinds[kind] = true
		if kind != "Deployment" {
			continue
		}
		pod := dig(d, "spec", "template", "spec")
		for _, c := range asList(pod["containers"]) {
			c := c.(map[string]any)
			ports := map[string]bool{}
			for _, p := range asList(c["ports"]) {
				ports[p.(map[string]any)["name"].(string)] = true
			}
			for probe, path := range map[string]string{"livenessProbe": "/healthz", "readinessProbe": "/readyz"} {
				get := dig(c, probe, "httpGet")
				if get["path"] != path || !ports[get["port"].(string)] {
					t.Errorf("%s: %v, want %s on a declared port", probe, get, path)
				}
			}
			for _, e := range asList(c["env"]) {
				if n := e.(map[string]any)["name"].(string); !known[n] {
					t.Errorf("env %s: totto does not read it", n)
				}
			}
		}
	}
	if !kinds["Deployment"] || !kinds["Service"] {
		t.Errorf("kinds %v, want a Deployment and a Service", kinds)
	}
}

func asList(v any) []any {
	l, _ := v.([]any)
	return l
}

func hasKey(m map[string]any, k string) bool {
	_, ok := m[k]
	return ok
}

func dig(m map[string]any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ = m[k].(map[string]any)
	}
	return m
}
