package app

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Span is a configured length of time. Besides Go durations ("6h", "90m") it accepts whole days
// ("14d"), since history windows are thought of in days and time.ParseDuration has no unit for
// them.
type Span time.Duration

// UnmarshalText implements encoding.TextUnmarshaler, for config.yml and TOTTO_* variables alike.
func (s *Span) UnmarshalText(text []byte) error {
	v := strings.TrimSpace(string(text))
	if days, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 {
			return fmt.Errorf("span %q: want whole days such as 14d, or a duration such as 6h", v)
		}
		*s = Span(time.Duration(n) * 24 * time.Hour)
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 {
		return fmt.Errorf("span %q: want a duration such as 6h or 90m, or whole days such as 14d", v)
	}
	*s = Span(d)
	return nil
}

// MarshalText implements encoding.TextMarshaler, so a loaded configuration prints readably.
func (s Span) MarshalText() ([]byte, error) { return []byte(time.Duration(s).String()), nil }
