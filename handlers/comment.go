package handlers

import (
	"strings"

	"github.com/google/go-github/v89/github"

	"github.com/totto-ci/totto/command"
)

// wantsCommand reports whether a comment may hold a /totto command worth a durable job: it must
// be newly created (an edit or deletion does not re-run or undo a command, so editing a comment
// cannot replay it), written by a person (bots, including totto itself, are ignored so two bots
// cannot talk in a loop), and mention "/totto" at all (in any case, as the parser accepts). Parsing and permission checks happen in
// the job.
func wantsCommand(action string, author *github.User, body string) bool {
	return action == "created" &&
		author.GetType() != "Bot" &&
		strings.Contains(strings.ToLower(body), command.Prefix)
}
