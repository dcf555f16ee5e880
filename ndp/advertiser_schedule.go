package ndp

import "time"

// Router constants of RFC 4861, Section 10.
const (
	// MaxInitialRtrAdvertisements is how many of the first unsolicited RAs
	// are sent at most MaxInitialRtrAdvertInterval apart.
	MaxInitialRtrAdvertisements = 3
	// MaxInitialRtrAdvertInterval caps the first intervals.
	MaxInitialRtrAdvertInterval = 16 * time.Second
	// MinDelayBetweenRAs is the least time between two multicast RAs.
	MinDelayBetweenRAs = 3 * time.Second
	// MaxRADelayTime bounds the random delay before a solicited RA.
	MaxRADelayTime = 500 * time.Millisecond
)

// raSchedule decides when an advertising interface sends its multicast
// RAs, as described in RFC 4861, Sections 6.2.4 and 6.2.6. It is pure:
// callers pass the time and the random values.
type raSchedule struct {
	min, max time.Duration

	initialLeft   int       // initial RAs still to send (§6.2.4)
	next          time.Time // when the next multicast RA goes out
	lastMulticast time.Time // when the last one went out; zero: never
}

func newRASchedule(min, max time.Duration) *raSchedule {
	return &raSchedule{min: min, max: max, initialLeft: MaxInitialRtrAdvertisements}
}

// spread is the range of the random part of an interval: a caller passes
// sent a value uniformly distributed in [0, spread()].
func (s *raSchedule) spread() time.Duration { return s.max - s.min }

// start makes the interface an advertising interface at now: the first RA
// goes out at once (§6.2.4 lets the router send it without delay; waiting
// would only slow every host's autoconfiguration down).
func (s *raSchedule) start(now time.Time) { s.next = now }

// due returns when the next multicast RA is due.
func (s *raSchedule) due() time.Time { return s.next }

// sent records that a multicast RA went out at now and schedules the next
// one MinRtrAdvInterval + jitter later (jitter random in [0, spread()], so
// the interval is in [MinRtrAdvInterval, MaxRtrAdvInterval]), capped at
// MaxInitialRtrAdvertInterval for the first few (§6.2.4).
func (s *raSchedule) sent(now time.Time, jitter time.Duration) {
	s.lastMulticast = now
	ivl := s.min + min(max(jitter, 0), s.spread())
	if s.initialLeft > 0 {
		s.initialLeft--
		if ivl > MaxInitialRtrAdvertInterval {
			ivl = MaxInitialRtrAdvertInterval
		}
	}
	s.next = now.Add(ivl)
}

// solicited handles a valid Router Solicitation received at now and
// returns when the (multicast) answer goes out, per §6.2.6: after delay,
// random in [0, MAX_RA_DELAY_TIME]; never sooner than MIN_DELAY_BETWEEN_RAS
// after the previous multicast RA (then that plus the random delay); and
// never later than the RA already scheduled.
func (s *raSchedule) solicited(now time.Time, delay time.Duration) time.Time {
	delay = min(max(delay, 0), MaxRADelayTime)
	at := now.Add(delay)
	if !s.lastMulticast.IsZero() && now.Before(s.lastMulticast.Add(MinDelayBetweenRAs)) {
		at = s.lastMulticast.Add(MinDelayBetweenRAs + delay)
	}
	if at.Before(s.next) {
		s.next = at
	}
	return s.next
}
