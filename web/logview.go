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

// logItem is one line, or a run of progress frames ("\r"-overwritten lines) folded into one.
type logItem struct {
	Line   *logLine
	Frames []logLine
}

// sections groups display lines (with the normalised lines they came from, same order) by step,
// and the progress frames within a step. focus is the line the page opens at (0: none).
func sections(ls []logs.Line, shown []logLine, focus int) []logSection {
	var out []logSection
	for i := range shown {
		l := &shown[i]
		step := ls[i].Step
		if n := len(out); n == 0 || out[n-1].Step != step {
			out = append(out, logSection{Step: step, First: l.Num, Open: step == ""})
		}
		sec := &out[len(out)-1]
		sec.Last = l.Num
		if l.Num == focus || l.Matched {
			sec.Open = true
		}
		if !l.Overwritten {
			sec.Items = append(sec.Items, logItem{Line: l})
			continue
		}
		if n := len(sec.Items); n > 0 && sec.Items[n-1].Line == nil {
			sec.Items[n-1].Frames = append(sec.Items[n-1].Frames, *l)
		} else {
			sec.Items = append(sec.Items, logItem{Frames: []logLine{*l}})
		}
	}
	return out
}
