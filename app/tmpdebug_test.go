package app

import (
	"fmt"
	"math/rand"
	"testing"
)

func TestTmpDebugHang(t *testing.T) {
	a := newTestApp(t, backends[0].url(t), false)
	seeds := [][]byte{corpusDelivery(t, "octokit", "status.none.0.json"), corpusDelivery(t, "octokit", "issue_comment.created.0.json"), corpusDelivery(t, "octokit", "push.none.0.json")}
	r := rand.New(rand.NewSource(1))
	for i := 0; i < 300; i++ {
		b := append([]byte(nil), seeds[i%3]...)
		for k := 0; k < 3; k++ {
			b[r.Intn(len(b))] = byte(r.Intn(256))
		}
		ev := fuzzEvents[r.Intn(len(fuzzEvents))]
		w := post(t, a, ev, fmt.Sprintf("d-%d", i), b, true)
		t.Logf("%d %s %d", i, ev, w.Code)
	}
}
