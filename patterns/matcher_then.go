package patterns

// Multi-line patterns in the one pass: a pattern's first-line matches wait (per pattern, in line
// order) until its second expression matches a later line within the window, then count as the
// pattern's match on the first line. A first line the window has passed can no longer be
// answered and is forgotten, so each pattern holds at most Within+1 waiting lines.

// await records a first-line match of multi-line pattern pi.
func (s *scan) await(pi int, m Match) {
	within := s.m.pats[pi].p.Then.Within
	w := s.waiting[pi]
	drop := 0
	for drop < len(w) && w[drop].Line < m.Line-within {
		drop++
	}
	if drop > 0 {
		n := copy(w, w[drop:])
		clear(w[n:])
		w = w[:n]
	}
	s.waiting[pi] = append(w, m)
}

// answer settles every waiting first line of pattern pi that the second expression's match on
// line answers: those before it and within the window. A first line on the same line waits on.
func (s *scan) answer(pi, line int) error {
	within := s.m.pats[pi].p.Then.Within
	w := s.waiting[pi]
	kept := w[:0]
	var err error
	for _, m := range w {
		switch {
		case m.Line >= line:
			kept = append(kept, m)
		case line-m.Line <= within && err == nil:
			m.ThenLine = line
			err = s.settle(pi, m)
		}
	}
	clear(w[len(kept):])
	s.waiting[pi] = kept
	return err
}

// settle emits a complete match of pattern pi, or holds it for the last_lines window.
func (s *scan) settle(pi int, m Match) error {
	if s.m.pats[pi].p.LastLines > 0 {
		s.pending = append(s.pending, pendingMatch{pi: pi, m: m})
		return nil
	}
	return s.keep(pi, m)
}
