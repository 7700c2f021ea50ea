package store

import "context"

// PRComments remembers totto's one comment per pull request (the sticky comment) and the hash
// of its last body, so the comment is edited in place and never re-posted unchanged. Both store
// implementations provide it.
type PRComments interface {
	// PRComment returns the pull request's comment; ErrNotFound when totto has posted none.
	PRComment(ctx context.Context, repoID int64, number int) (PRComment, error)
	// PutPRComment records the comment and the hash of the body last written.
	PutPRComment(ctx context.Context, c PRComment) error
}

// PRComment is totto's comment on one pull request.
type PRComment struct {
	RepoID    int64
	Number    int
	CommentID int64
	BodyHash  string
}
