package patterns

// Best picks the match that explains the job: the highest priority wins, then the later line (a
// failure's last matching line is closest to where the job stopped); among matches on the same
// line with equal priority the first in ms wins. Boilerplate lines (generic "exited with code N"
// reports) never win, since they say a job failed but not why. It returns nil when no match
// qualifies; the result points into ms.
func Best(ms []Match) *Match {
	var best *Match
	for i := range ms {
		m := &ms[i]
		if IsBoilerplate(m.Text) {
			continue
		}
		if best == nil || m.Priority > best.Priority || (m.Priority == best.Priority && m.Line > best.Line) {
			best = m
		}
	}
	return best
}
