package ciprovider

import (
	"strings"
	"testing"

	"github.com/totto-ci/totto/ident"
)

// Whatever a status's target_url holds, a parsed target names a GitHub-style owner and repository
// (no separators, no dot segments) and a positive build number, so the API path built from it
// stays within /project/VCS/OWNER/REPO/NUM.
func FuzzCircleSiteParse(f *testing.F) {
	for _, s := range []string{
		"https://circleci.com/gh/octo/widgets/16?utm_source=x",
		"https://app.circleci.com/pipelines/github/o/r/1/workflows/w/jobs/2",
		"https://circleci.com/gh/octo/../victim/secret/16",
		"https://circleci.com/gh/o/r/..%2F16",
		"https://circle.corp.example:8443/gh/o/r/7",
	} {
		f.Add(s)
	}
	site := CircleSite{ServerAPI: "https://circle.corp.example:8443/api/v1.1"}
	f.Fuzz(func(t *testing.T, target string) {
		tg, err := site.Parse(target)
		if err != nil {
			return
		}
		for _, name := range []string{tg.Project.Owner, tg.Project.Name} {
			if !ident.ValidName(name) || name == "." || name == ".." || strings.ContainsAny(name, "/\\%?#") {
				t.Fatalf("Parse(%q) accepted name %q", target, name)
			}
		}
		if tg.BuildNum <= 0 || (tg.VCS != "github" && tg.VCS != "bitbucket") {
			t.Fatalf("Parse(%q) = %+v", target, tg)
		}
	})
}
