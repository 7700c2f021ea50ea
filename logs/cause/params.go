package cause

// Params are the Finder's numeric weights: how much being flagged by the CI, being first in a
// step, sitting close to the end of the failing step, or being new against the job's passing
// history counts. They are separate from the rule table so that a measurement can choose them on
// some repositories and score on others (bench/likelycause -grid); DefaultParams are the values
// that choice settles on, and what every surface uses.
type Params struct {
	// MarkedBonus lifts lines the CI itself flagged as errors (GitHub Actions "##[error]").
	MarkedBonus float64
	// SeriesPenalty demotes the later members of a series of failures of one kind.
	SeriesPenalty float64
	// FirstBonus lifts the first strong failure line of each step.
	FirstBonus float64
	// AfterEndPenalty demotes lines after the failing step ended (teardown, uploads, post steps).
	AfterEndPenalty float64
	// SameStepBonus lifts lines of the step that failed.
	SameStepBonus float64
	// SecondRatio is the share of the best score a second block's candidate must reach.
	SecondRatio float64
	// ClosingLines is how many of the excerpt's lines go to the failing step's closing statement
	// (what the build tool or package builder concluded: "Failed building wheel for x",
	// "make: *** [all] Error 2") when the cause's block does not show it; 0 shows none.
	ClosingLines int
	// RecencyScale stretches (>1) or shrinks (<1) the distances over which closeness to the end
	// of the failing step counts.
	RecencyScale float64
	// NovelBonus lifts a line with no counterpart in the job's last passing log (Options.History).
	NovelBonus float64
	// SeenCap is the most a line that the passing log also printed may score: it did not make
	// the job fail (below the candidate threshold, it is shown only as context).
	SeenCap float64
}

// DefaultParams returns the weights every surface uses.
func DefaultParams() Params {
	return Params{
		MarkedBonus:     3,
		SeriesPenalty:   2,
		FirstBonus:      2,
		AfterEndPenalty: 1.5,
		SameStepBonus:   0,
		SecondRatio:     0.6,
		ClosingLines:    1,
		RecencyScale:    0.5,
		NovelBonus:      4,
		SeenCap:         1,
	}
}
