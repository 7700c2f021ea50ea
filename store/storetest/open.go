package storetest

import (
	"sync"
	"testing"

	"github.com/totto-ci/totto/store"
)

// ConcurrentOpen opens one fresh database n times at once, as replicas starting together do, and
// checks that every open succeeds and the schema is fully migrated.
func ConcurrentOpen(t *testing.T, n int, open func() (store.Store, error)) {
	t.Helper()
	var wg sync.WaitGroup
	stores := make([]store.Store, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			stores[i], errs[i] = open()
		}()
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("open #%d: %v", i, err)
			continue
		}
		st, err := stores[i].MigrationStatus(t.Context())
		if err != nil || st.Current != st.Latest || st.Current == 0 {
			t.Errorf("open #%d: migration status %+v, %v", i, st, err)
		}
		stores[i].Close()
	}
}
