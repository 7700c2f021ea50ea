package web

import "github.com/totto-ci/totto/logs"

// logSection is a run of one page's lines in one CI step or Travis fold: shown as a fold that
// opens by itself only when it holds the line the page is about or a matched line, so a long log
// reads as its list of steps with the failing one open.
type logSection struct {
	Step        string // "" outside any step: shown without a fold
	First, Last int
	Open        bool
	Items       []logItem
}

// logItem is one line, a run of progress frames ("\r"-overwritten lines) folded into one, or the
// start or end of a group folded inside the step (a step's "Run …" header, a user "::group::").
// Groups do not nest (GitHub Actions' do not), so a group is a start and an end item around its
// lines rather than a tree.
type logItem struct {
	Line   *logLine
	Frames []logLine
	Group  *logGroup
	End    bool
}

// logGroup is a group's fold: open by itself only when it holds the page's line or a match.
type logGroup struct {
	Title       string
	First, Last int
	Open        bool
}

// sections groups display lines (with the normalised lines they came from, same order) by step,
// the lines of a group within a step, and the progress frames within either. focus is the line
// the page opens at (0: none).
func sections(ls []logs.Line, shown []logLine, focus int) []logSection {
	var out []logSection
	var group *logGroup
	closeGroup := func() {
		if group != nil {
			sec := &out[len(out)-1]
			sec.Items = append(sec.Items, logItem{End: true})
			group = nil
		}
	}
	for i := range shown {
		l := &shown[i]
		step, title := ls[i].Step, ls[i].Group
		if n := len(out); n == 0 || out[n-1].Step != step {
			closeGroup()
			out = append(out, logSection{Step: step, First: l.Num, Open: step == ""})
		}
		sec := &out[len(out)-1]
		if group != nil && group.Title != title {
			closeGroup()
		}
		if group == nil && title != "" {
			group = &logGroup{Title: title, First: l.Num}
			sec.Items = append(sec.Items, logItem{Group: group})
		}
		sec.Last = l.Num
		hot := l.Num == focus || l.Matched
		if hot {
			sec.Open = true
		}
		if group != nil {
			group.Last = l.Num
			group.Open = group.Open || hot
		}
		if !l.Overwritten {
			sec.Items = append(sec.Items, logItem{Line: l})
			continue
		}
		if n := len(sec.Items); n > 0 && sec.Items[n-1].Frames != nil {
			sec.Items[n-1].Frames = append(sec.Items[n-1].Frames, *l)
		} else {
			sec.Items = append(sec.Items, logItem{Frames: []logLine{*l}})
		}
	}
	closeGroup()
	return out
}
