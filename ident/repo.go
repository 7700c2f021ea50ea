package ident

import (
	"fmt"
	"strings"
)

// Repo is a GitHub repository's owner and name. GitHub compares both ignoring case; Repo keeps
// the spelling it was given.
type Repo struct {
	Owner string
	Name  string
}

// maxNameLen bounds an owner or repository name (GitHub allows 39 and 100 characters).
const maxNameLen = 100

// ParseRepo reads "owner/name", requiring both parts to be names GitHub allows (ValidName).
// Errors quote at most 120 characters of the hostile input.
func ParseRepo(full string) (Repo, error) {
	owner, name, ok := strings.Cut(full, "/")
	if !ok {
		return Repo{}, fmt.Errorf("repository %.120q: want owner/name", full)
	}
	r := Repo{Owner: owner, Name: name}
	if err := r.Validate(); err != nil {
		return Repo{}, err
	}
	return r, nil
}

// Validate says what is wrong with an owner or name GitHub would not allow, if anything.
func (r Repo) Validate() error {
	switch {
	case !ValidName(r.Owner):
		return fmt.Errorf("repository %.120q: owner %.120q is not a GitHub name (letters, digits, '-', '_', '.')", r.String(), r.Owner)
	case !ValidName(r.Name):
		return fmt.Errorf("repository %.120q: name %.120q is not a GitHub name (letters, digits, '-', '_', '.')", r.String(), r.Name)
	}
	return nil
}

// String is the repository's full name, "owner/name".
func (r Repo) String() string { return r.Owner + "/" + r.Name }

// Is says whether r and o name the same repository, ignoring case as GitHub does.
func (r Repo) Is(o Repo) bool {
	return strings.EqualFold(r.Owner, o.Owner) && strings.EqualFold(r.Name, o.Name)
}

// ValidName accepts GitHub owner and repository names: 1 to 100 letters, digits, '-', '_' and
// '.', but not "." or "..", so a name is always one safe URL path segment.
func ValidName(s string) bool {
	if s == "" || len(s) > maxNameLen || s == "." || s == ".." {
		return false
	}
	for _, r := range s {
		ok := r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.'
		if !ok {
			return false
		}
	}
	return true
}
