package stream

// KillBeforeAck makes the workers of c call f before acknowledging a
// message; an error from f stops the worker there, as if it died.
func KillBeforeAck(c *Config, f func(sector int, seq uint64) error) { c.Worker.beforeAck = f }
