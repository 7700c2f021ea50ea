package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
)

// A trial scans hundreds of stored logs with an expression the visitor wrote, so its cost is
// bounded: the expression's compiled size (patterns.MaxRegexInsts, checked by validation), per
// page the logs (Deps.TryLogs), the time (Deps.TryBudget) and the bytes read (Deps.TryBytes), and
// how many trials run at once, per user and in all. A trial also stops as soon as its visitor
// disconnects (the request's context).

// trialGate counts running trials per user and in all.
type trialGate struct {
	mu       sync.Mutex
	perUser  map[string]int
	total    int
	maxUser  int
	maxTotal int
}

func newTrialGate(maxUser, maxTotal int) *trialGate {
	return &trialGate{perUser: map[string]int{}, maxUser: maxUser, maxTotal: maxTotal}
}

// errTrialBusy says the visitor (or everyone) already runs as many trials as allowed.
var errTrialBusy = errors.New("too many pattern trials running")

// enter admits one trial of user, or refuses; the returned func ends it.
func (g *trialGate) enter(user string) (func(), error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case g.perUser[user] >= g.maxUser:
		return nil, fmt.Errorf("%w: you already run %d; wait for it to finish", errTrialBusy, g.perUser[user])
	case g.total >= g.maxTotal:
		return nil, fmt.Errorf("%w: %d in all; try again shortly", errTrialBusy, g.total)
	}
	g.perUser[user]++
	g.total++
	return func() {
		g.mu.Lock()
		defer g.mu.Unlock()
		if g.perUser[user]--; g.perUser[user] <= 0 {
			delete(g.perUser, user) // the map holds running users only
		}
		g.total--
	}, nil
}

// ctxReader fails its reads once ctx is done, so a scan of a long log stops at its next block
// rather than at the log's end.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
