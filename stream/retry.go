package stream

import (
	"context"
	"log/slog"
	"time"
)

// untilAnswered calls try until it succeeds, for what JetStream must
// answer before a stage can start (a server restarting, a leader being
// elected): each failure is logged at WARN (msg, attrs, the error and the
// wait), and tried again after a wait doubling from 100 ms to 5 s. It
// returns try's last error when ctx ends, or at once when final says the
// error will not go away by trying again (final may be nil).
func untilAnswered(ctx context.Context, logger *slog.Logger, msg string, attrs []any, final func(error) bool, try func() error) error {
	for wait := 100 * time.Millisecond; ; wait = min(2*wait, 5*time.Second) {
		err := try()
		if err == nil {
			return nil
		}
		if ctx.Err() != nil || (final != nil && final(err)) {
			return err
		}
		logger.Warn(msg, append(attrs, "err", err, "retry_in", wait)...)
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}
