package blob

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"gocloud.dev/gcerrors"
)

// Delete implements Store: it removes a log's content (retention); a missing object is not an
// error. The key is checked to stay inside the store, as keys are read from the database.
func (d *Dir) Delete(_ context.Context, key string) error {
	if key == "" || strings.Contains(key, "..") || filepath.IsAbs(key) {
		return fmt.Errorf("log store %s: refusing to delete key %q", d.root, key)
	}
	if err := os.Remove(filepath.Join(d.root, filepath.FromSlash(key))); err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("log store %s: delete %s: %w", d.root, key, err)
	}
	return nil
}

// Delete implements Store.
func (s *bucket) Delete(ctx context.Context, key string) error {
	if err := s.b.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return fmt.Errorf("log store %s: delete %s: %w", s.url, key, err)
	}
	return nil
}
