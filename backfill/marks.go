package backfill

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/rs/zerolog"

	"github.com/totto-ci/totto/ident"
	"github.com/totto-ci/totto/store"
)

// runState follows one listed run until it is completely processed: its jobs listed and every
// wanted log stored or recorded unavailable.
type runState struct {
	tr      *tracker
	id      int64
	created time.Time
	attempt int
	pending int  // wanted logs not resolved yet
	listed  bool // every job listed
	failed  bool // a listing or a log failed, or the run had not completed on the provider
}

func (r *runState) done() bool { return r.listed && r.pending == 0 && !r.failed }

// tracker keeps the runs a backfill lists, and from them and the previous mark, the next mark.
// Listing goes newest first, one span after another, so everything from known down to the
// newest time is either inside the previous mark's span or listed by this pass.
type tracker struct {
	mu    sync.Mutex
	prev  store.BackfillMark
	done  map[string]store.MarkedRun // previous mark's done runs, by id
	runs  []*runState
	top   time.Time // the pass covers runs created before top
	known time.Time // and everything from known up to top is known (listed or in prev's span)
}

func newTracker(prev store.BackfillMark, top time.Time) *tracker {
	t := &tracker{prev: prev, done: map[string]store.MarkedRun{}, top: top, known: top}
	for _, r := range prev.Done {
		t.done[r.ID] = r
	}
	return t
}

// add records a listed run; it reports whether the run was completely processed before (at
// this attempt), so its jobs need not be listed again.
func (t *tracker) add(id int64, created time.Time, attempt int) (*runState, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	r := &runState{tr: t, id: id, created: created, attempt: attempt}
	t.runs = append(t.runs, r)
	if d, ok := t.done[strconv.FormatInt(id, 10)]; ok && d.Attempt >= attempt {
		r.listed = true
		return r, true
	}
	return r, false
}

// updateRun changes a run's state under its tracker's lock (nothing for a nil run: a sampled job).
func updateRun(r *runState, f func(*runState)) {
	if r == nil {
		return
	}
	r.tr.mu.Lock()
	defer r.tr.mu.Unlock()
	f(r)
}

// knownDownTo records that every run created from at on is listed (or was done before).
func (t *tracker) knownDownTo(at time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if at.Before(t.known) {
		t.known = at
	}
	// Reaching the previous span's top means the previous span is known as well.
	if !t.prev.To.IsZero() && !t.known.After(t.prev.To) && t.known.After(t.prev.From) {
		t.known = t.prev.From
	}
}

// mark computes the next mark: the longest span of known time holding no unfinished run (or the
// previous span, if longer), and every other run known to be done.
func (t *tracker) mark(floor time.Time) store.BackfillMark {
	t.mu.Lock()
	defer t.mu.Unlock()
	var holes []time.Time // creation times of unfinished runs, plus the known span's ends
	done := map[string]store.MarkedRun{}
	for id, r := range t.done {
		done[id] = r
	}
	for _, r := range t.runs {
		id := strconv.FormatInt(r.id, 10)
		if r.done() {
			done[id] = store.MarkedRun{ID: id, Created: r.created, Attempt: r.attempt}
			continue
		}
		delete(done, id)
		if !r.created.Before(t.known) && r.created.Before(t.top) {
			holes = append(holes, r.created)
		}
	}
	slices.SortFunc(holes, func(a, b time.Time) int { return a.Compare(b) })
	best := store.BackfillMark{From: t.prev.From, To: t.prev.To}
	from := t.known
	for _, h := range append(holes, t.top) {
		to := h
		if longer(from, to, best.From, best.To) {
			best.From, best.To = from, to
		}
		// Runs share whole seconds: the next span starts after the unfinished run's second.
		from = h.Truncate(time.Second).Add(time.Second)
	}
	m := t.prev
	m.From, m.To, m.Done = best.From, best.To, nil
	for _, r := range done {
		inside := !r.Created.Before(m.From) && r.Created.Before(m.To)
		if !inside && !r.Created.Before(floor) {
			m.Done = append(m.Done, r)
		}
	}
	slices.SortFunc(m.Done, func(a, b store.MarkedRun) int { return a.Created.Compare(b.Created) })
	return m
}

// longer reports whether [from, to) is longer than [bestFrom, bestTo), or as long and newer. An
// open start counts from the first GitHub Actions run (a zero time would saturate Duration).
func longer(from, to, bestFrom, bestTo time.Time) bool {
	clamp := func(t time.Time) time.Time {
		if t.Before(actionsEpoch) {
			return actionsEpoch
		}
		return t
	}
	a, b := to.Sub(clamp(from)), bestTo.Sub(clamp(bestFrom))
	return a > b || a == b && to.After(bestTo)
}

// loadMarks reads what earlier backfills of the branch completely processed, per provider.
func (b *backfill) loadMarks(ctx context.Context) error {
	load := func(provider ident.Provider) (*tracker, error) {
		prev, err := b.opts.Store.BackfillMark(ctx, b.repo.ID, b.opts.Branch, provider)
		if err != nil {
			return nil, fmt.Errorf("backfill %s: %w", b.opts.Repo, err)
		}
		return newTracker(prev, b.opts.Now().Truncate(time.Second)), nil
	}
	var err error
	if b.opts.Actions != nil {
		if b.runs, err = load(ident.ProviderGitHubActions); err != nil {
			return err
		}
	}
	if b.opts.CircleCI != nil {
		if b.builds, err = load(ident.ProviderCircleCI); err != nil {
			return err
		}
	}
	return nil
}

// saveMark remembers what this backfill completely processed, even when it was interrupted. It
// is also saved every markEvery while the backfill runs, so a killed one loses little.
func (b *backfill) saveMark(ctx context.Context, final bool) error {
	b.markMu.Lock() // saves in order; none after the final one
	defer b.markMu.Unlock()
	if b.markSaved {
		return nil
	}
	b.markSaved = final
	for provider, t := range map[ident.Provider]*tracker{ident.ProviderGitHubActions: b.runs, ident.ProviderCircleCI: b.builds} {
		if t == nil {
			continue
		}
		m := t.mark(ceilSecond(b.opts.Since))
		m.RepoID, m.Branch, m.Provider = b.repo.ID, b.opts.Branch, provider
		if err := b.opts.Store.PutBackfillMark(context.WithoutCancel(ctx), m); err != nil {
			return fmt.Errorf("backfill %s: %w", b.opts.Repo, err)
		}
		zerolog.Ctx(ctx).Debug().Str("provider", string(provider)).Time("from", m.From).Time("to", m.To).
			Int("done_outside", len(m.Done)).Msg("backfill mark saved")
	}
	return nil
}
