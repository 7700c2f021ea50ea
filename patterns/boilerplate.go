package patterns

import (
	"regexp"
	"strings"
)

// boilerplateLines are lines that CI systems and build tools print after a failure to say only
// that some process exited unsuccessfully (an exit code or status), never why. Such a line matches
// broad patterns in nearly every failed log, so letting it explain a job would hide the real cause
// (the top complaint about PyTorch's classifier before it learned to drop them). A line belongs
// here only if it carries no information beyond "a process failed with status N" or "the step
// was cancelled".
var boilerplateLines = []*regexp.Regexp{
	// GitHub Actions step epilogues.
	regexp.MustCompile(`^(?:##\[error\]|Error: )?Process completed with exit code -?\d+\.?$`),
	regexp.MustCompile(`^(?:##\[error\])?The process '[^']*' failed with exit code -?\d+\.?$`),
	regexp.MustCompile(`^(?:##\[error\])?Executing the custom container implementation failed\.`),
	// Self-hosted runner container hooks (PyTorch's OSDC) restating how a step ended.
	regexp.MustCompile(`^(?:##\[error\])?\[OSDC\] Step (?:script exited with code -?\d+\.|cancelled by GitHub Actions \(received SIG[A-Z]+\)\.)`),
	// Travis CI.
	regexp.MustCompile(`^The command ".*" exited with -?\d+\.?$`),
	// CircleCI, GitLab CI, GNU time.
	regexp.MustCompile(`^Exited with code (?:exit status )?-?\d+$`),
	regexp.MustCompile(`^ERROR: Job failed: exit code -?\d+$`),
	regexp.MustCompile(`^Command exited with non-zero status -?\d+$`),
	// make's recursive failure report: the real error precedes it.
	regexp.MustCompile(`^(?:g?make|mingw32-make)(?:\[\d+\])?: \*\*\* \[[^\]]*\] (?:Error -?\d+|Segmentation fault.*|Killed)(?: \(ignored\))?$`),
	// npm and yarn script epilogues.
	regexp.MustCompile(`^npm (?:ERR!|error) (?:code ELIFECYCLE|errno -?\d+|Exit status -?\d+|[\w.@/-]+ [\w:-]+: ` + "`" + `.*` + "`" + `|Failed at the .* script\.?)$`),
	regexp.MustCompile(`^error Command failed with exit code -?\d+\.?$`),
}

// IsBoilerplate reports whether line only says that a process failed with some exit status, so
// that it must never be chosen as the reason a job failed (see Best).
func IsBoilerplate(line string) bool {
	line = strings.TrimSpace(line)
	for _, re := range boilerplateLines {
		if re.MatchString(line) {
			return true
		}
	}
	return false
}
