package builtin

// reviewedFailureHits is every (log, built-in pattern) match on the labelled failing logs of
// LogChunks dev (398 Travis CI logs) and CiDiff dev (39 Jenkins and GitHub Actions logs), each
// checked by hand against the log's labelled failure cause. None is a flaky verdict on a log
// whose labelled cause is a test or compile failure.
var reviewedFailureHits = map[string]string{
	// Flaky and right: the labelled cause is exactly the matched line, a network failure.
	"logchunks:samples/VimL/junegunn@vim-plug/failed/445184806.log\tgit server unreachable":     "label = this line: cloning vim from GitHub got an empty reply",
	"cidiff:breakages/mimecraft_2316/fail.log\tmaven artifact transfer failed":                  "label = this line: the OW2 snapshot repository answered 503",
	"cidiff:breakages_dump/Build_Terraform_CLI_Packages/run380/fail.log\tTLS handshake timeout": "label = this line: terraform provider download TLS handshake timeout",
	// Infra only (no flaky verdict), and the labelled cause is the disk filling up on the Jenkins agent.
	"cidiff:breakages/googleguice_2121/fail.log\tno space left on device":           "label starts at this [ERROR] line",
	"cidiff:breakages/gumtreespoonastdiff_2017/fail.log\tno space left on device":   "label = the testCompile [ERROR] line that hit the full disk",
	"cidiff:breakages/juliac_789/fail.log\tno space left on device":                 "label includes this compile [ERROR] on the full disk",
	"cidiff:breakages/sorald_445/fail.log\tno space left on device":                 "label includes this JaCoCo [ERROR] on the full disk",
	"cidiff:breakages/spoonsnapshotdeployer_4314/fail.log\tno space left on device": "label = this deploy [ERROR] on the full disk",
	// Infra only on a real failure: a link checker listing broken links, one of them a domain
	// whose DNS fails. Deliberately not flaky (the generic wording is infra only for this reason).
	"logchunks:samples/Swift/vsouza@awesome-ios/failed/557856885.log\ttemporary failure in name resolution": "link checker: one dead link among redirects; infra only, verdict stays new",
}
