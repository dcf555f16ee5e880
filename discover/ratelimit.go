package discover

import "time"

// rateBurst is how many packets a scan may send at once before its rate
// applies.
const rateBurst = 32

// limiter is a token bucket: rate packets a second, bursts of rateBurst.
// It is pure: callers pass the time.
type limiter struct {
	rate   float64
	tokens float64
	last   time.Time
}

func newLimiter(rate int) *limiter { return &limiter{rate: float64(rate), tokens: rateBurst} }

// wait returns how long from now until one more packet may go: 0 when one
// may go at once (then take it).
func (l *limiter) wait(now time.Time) time.Duration {
	if !l.last.IsZero() {
		l.tokens = min(rateBurst, l.tokens+now.Sub(l.last).Seconds()*l.rate)
	}
	l.last = now
	if l.tokens >= 1 {
		return 0
	}
	return time.Duration((1 - l.tokens) / l.rate * float64(time.Second))
}

// take spends one packet's token.
func (l *limiter) take() { l.tokens-- }
