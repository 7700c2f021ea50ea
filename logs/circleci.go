package logs

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
)

// NewCircleCIReader reads a CircleCI v1.1 step output body (the JSON array of
// {"message","time","type"} segments behind an action's output_url) as one log: the messages are
// concatenated in order (a segment may end mid-line) and normalised like any other log, every
// line carrying step as its Step. The segments are decoded one at a time, so the body is never
// held whole. A body that is not a JSON array is an error here; a malformed segment later in the
// body ends the lines and is reported by Err.
func NewCircleCIReader(r io.Reader, step string) (*Reader, error) {
	src, err := newCircleCISegments(r)
	if err != nil {
		return nil, err
	}
	return NewReaderOptions(src, Options{Step: step}), nil
}

// circleCISegments is an io.Reader over the concatenated messages of a step output body.
type circleCISegments struct {
	dec  *json.Decoder
	msg  string // unread part of the current message
	n    int    // segments read so far, for error messages
	done bool
}

func newCircleCISegments(r io.Reader) (*circleCISegments, error) {
	dec := json.NewDecoder(r)
	tok, err := dec.Token()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("circleci step output: empty body, want a JSON array of segments")
		}
		return nil, fmt.Errorf("circleci step output: %w", err)
	}
	s := &circleCISegments{dec: dec}
	switch tok {
	case json.Delim('['):
	case nil: // "null": a step that printed nothing
		s.done = true
	default:
		return nil, fmt.Errorf("circleci step output: body starts with %v, want a JSON array of segments", tok)
	}
	return s, nil
}

// circleCISegment is one element of a step output body.
type circleCISegment struct {
	Message *string `json:"message"`
	Type    string  `json:"type"`
}

// Read implements io.Reader.
func (s *circleCISegments) Read(p []byte) (int, error) {
	for s.msg == "" {
		if s.done {
			return 0, io.EOF
		}
		if err := s.next(); err != nil {
			return 0, err
		}
	}
	n := copy(p, s.msg)
	s.msg = s.msg[n:]
	return n, nil
}

// next decodes the next segment into s.msg, or marks the end of the array.
func (s *circleCISegments) next() error {
	if !s.dec.More() {
		tok, err := s.dec.Token()
		if err != nil {
			return fmt.Errorf("circleci step output: after segment %d: %w", s.n, err)
		}
		if tok != json.Delim(']') {
			return fmt.Errorf("circleci step output: after segment %d: unexpected %v", s.n, tok)
		}
		s.done = true
		return nil
	}
	var seg circleCISegment
	if err := s.dec.Decode(&seg); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return fmt.Errorf("circleci step output: segment %d: %w", s.n+1, err)
	}
	s.n++
	if seg.Message == nil {
		return fmt.Errorf("circleci step output: segment %d has no \"message\" string", s.n)
	}
	s.msg = *seg.Message
	return nil
}
