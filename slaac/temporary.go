package slaac

import (
	"crypto/rand"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"time"
)

type tempPrefix struct {
	prefix                     netip.Prefix
	validUntil, preferredUntil time.Time
	infinite                   bool
}

// TempManager maintains RFC 8981 temporary addresses for the prefixes of one
// interface. It is a pure state machine driven by prefix information
// ([TempManager.PrefixInfo]), the passing of time ([TempManager.Advance])
// and DAD results ([TempManager.DADFailed]); each of them takes the current
// time as an argument, so the manager never reads a clock, and it starts no
// goroutines. Time must not go backwards: a now earlier than the latest one
// seen counts as that latest one. It is not safe for concurrent use.
type TempManager struct {
	cfg      TempConfig
	prefixes []tempPrefix
	addrs    []TempAddr
	desync   time.Duration
	haveDesy bool
	last     time.Time // the latest now seen
}

// errNilManager is returned by the methods of a nil *TempManager.
var errNilManager = errors.New("slaac: nil *TempManager (use NewTempManager)")

// NewTempManager returns a manager with no prefixes. The error wraps
// [ErrTempConfig] when the profile's lifetimes are impossible.
func NewTempManager(cfg TempConfig) (*TempManager, error) {
	p := cfg.Profile
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	switch {
	case p.ValidLifetime <= 0 || p.PreferredLifetime <= 0 || p.PreferredLifetime > p.ValidLifetime:
		return nil, fmt.Errorf("%w: need 0 < preferred (%v) <= valid (%v)", ErrTempConfig, p.PreferredLifetime, p.ValidLifetime)
	case p.RegenAdvance < 0 || p.MaxDesyncFactor < 0 || p.IDGenRetries < 0:
		return nil, fmt.Errorf("%w: negative parameter", ErrTempConfig)
	case p.RegenAdvance >= p.PreferredLifetime:
		return nil, fmt.Errorf("%w: REGEN_ADVANCE %v must be below TEMP_PREFERRED_LIFETIME %v", ErrTempConfig, p.RegenAdvance, p.PreferredLifetime)
	}
	return &TempManager{cfg: cfg}, nil
}

// Addrs returns the current temporary addresses, oldest first.
func (m *TempManager) Addrs() []TempAddr {
	if m == nil {
		return nil
	}
	return slices.Clone(m.addrs)
}

// clock returns now, or the latest now seen when now is earlier.
func (m *TempManager) clock(now time.Time) time.Time {
	if now.Before(m.last) {
		return m.last
	}
	m.last = now
	return now
}

// InfiniteLifetime is the all-ones lifetime of a Prefix Information option.
const InfiniteLifetime = time.Duration(0xffffffff) * time.Second

// minValidLifetime is the "two hours" of RFC 4862 section 5.5.3 (e).
const minValidLifetime = 2 * time.Hour

// PrefixInfo processes a Prefix Information option with the A flag for
// prefix (a /64) received at now, with the given valid and preferred lifetimes
// ([InfiniteLifetime] for infinity). It first runs [TempManager.Advance],
// then applies RFC 4862 section 5.5.3 (e) to the prefix, updates the
// lifetimes of its temporary addresses without extending them past their
// creation-time limits (RFC 8981 section 3.4), and
// forms a temporary address when the prefix has none that is preferred
// (section 3.4).
func (m *TempManager) PrefixInfo(now time.Time, prefix netip.Prefix, valid, preferred time.Duration) ([]TempEvent, error) {
	if m == nil {
		return nil, errNilManager
	}
	if err := CheckPrefix(prefix); err != nil {
		return nil, err
	}
	if valid < 0 || preferred < 0 || preferred > valid {
		return nil, fmt.Errorf("slaac: prefix %v: preferred lifetime %v must be within valid lifetime %v (RFC 4862 section 5.5.3 c)", prefix, preferred, valid)
	}
	if valid > InfiniteLifetime || preferred > InfiniteLifetime {
		return nil, fmt.Errorf("slaac: prefix %v: lifetime above the 32-bit seconds of a Prefix Information option (RFC 4861 section 4.6.2)", prefix)
	}
	prefix = prefix.Masked()
	now = m.clock(now)
	events := m.advance(now, nil)

	i := slices.IndexFunc(m.prefixes, func(p tempPrefix) bool { return p.prefix == prefix })
	if i < 0 {
		if valid == 0 {
			return events, nil
		}
		m.prefixes = append(m.prefixes, tempPrefix{prefix: prefix})
		i = len(m.prefixes) - 1
	} else {
		// RFC 4862 section 5.5.3 (e): the two-hour rule.
		tp := m.prefixes[i]
		remaining := tp.validUntil.Sub(now)
		if tp.infinite {
			remaining = InfiniteLifetime
		}
		if !(valid > minValidLifetime || valid > remaining) {
			if remaining <= minValidLifetime {
				valid = remaining
			} else {
				valid = minValidLifetime
			}
			preferred = min(preferred, valid)
		}
	}
	tp := &m.prefixes[i]
	tp.infinite = valid == InfiniteLifetime
	tp.validUntil = now.Add(valid)
	tp.preferredUntil = now.Add(preferred)

	// Section 3.4: update the lifetimes of the prefix's temporaries.
	p := m.cfg.Profile
	havePreferred := false
	for j := range m.addrs {
		a := &m.addrs[j]
		if a.Prefix != prefix {
			continue
		}
		a.ValidUntil = minTime(tp.validUntil, a.Created.Add(p.ValidLifetime))
		a.PreferredUntil = minTime(tp.preferredUntil, a.Created.Add(p.PreferredLifetime-a.Desync), a.ValidUntil)
		if a.Deprecated && a.PreferredUntil.After(now) {
			a.Deprecated = false
		}
		if !a.Deprecated && !a.regenerated && a.PreferredUntil.After(now) {
			havePreferred = true
		}
	}
	if !havePreferred && preferred > 0 {
		ev, err := m.create(prefix, now, 0)
		if err != nil {
			return events, err
		}
		events = append(events, ev...)
	}
	// Expire what the update shortened into the past.
	events = m.advance(now, events)
	if valid == 0 {
		m.prefixes = slices.DeleteFunc(m.prefixes, func(p tempPrefix) bool { return p.prefix == prefix })
	}
	return events, nil
}

// Advance processes every deadline up to now in time order: regeneration
// REGEN_ADVANCE before deprecation (RFC 8981 section 3.5, unless the prefix
// is no longer preferred), deprecation and expiry. A caller with a timer
// calls it at [TempManager.NextDeadline].
func (m *TempManager) Advance(now time.Time) []TempEvent {
	if m == nil {
		return nil
	}
	return m.advance(m.clock(now), nil)
}

// NextDeadline returns when [TempManager.Advance] has work next.
func (m *TempManager) NextDeadline() (time.Time, bool) {
	var next time.Time
	if m == nil {
		return next, false
	}
	ok := false
	consider := func(t time.Time) {
		if !ok || t.Before(next) {
			next, ok = t, true
		}
	}
	for _, a := range m.addrs {
		if !a.regenerated && !a.Deprecated {
			consider(a.PreferredUntil.Add(-m.cfg.Profile.RegenAdvance))
		}
		if !a.Deprecated {
			consider(a.PreferredUntil)
		}
		consider(a.ValidUntil)
	}
	for _, p := range m.prefixes {
		if !p.infinite {
			consider(p.validUntil)
		}
	}
	return next, ok
}

func (m *TempManager) advance(now time.Time, events []TempEvent) []TempEvent {
	for {
		t, ok := m.NextDeadline()
		if !ok || t.After(now) {
			return events
		}
		events = m.step(t, events)
	}
}

// step handles everything due at exactly t.
func (m *TempManager) step(t time.Time, events []TempEvent) []TempEvent {
	p := m.cfg.Profile
	// Regeneration first, so the replacement exists when the old address
	// is deprecated.
	for j := 0; j < len(m.addrs); j++ {
		a := &m.addrs[j]
		if a.regenerated || a.Deprecated || a.PreferredUntil.Add(-p.RegenAdvance).After(t) {
			continue
		}
		a.regenerated = true
		prefix := a.Prefix
		if i := slices.IndexFunc(m.prefixes, func(tp tempPrefix) bool { return tp.prefix == prefix }); i >= 0 && m.prefixes[i].preferredUntil.After(t) {
			ev, err := m.create(prefix, t, 0)
			if err == nil {
				events = append(events, ev...)
			}
		}
	}
	for j := range m.addrs {
		a := &m.addrs[j]
		if !a.Deprecated && !a.PreferredUntil.After(t) {
			a.Deprecated = true
			events = append(events, TempEvent{Kind: TempDeprecated, Time: t, TempAddr: *a})
		}
	}
	m.addrs = slices.DeleteFunc(m.addrs, func(a TempAddr) bool {
		if a.ValidUntil.After(t) {
			return false
		}
		events = append(events, TempEvent{Kind: TempExpired, Time: t, TempAddr: a})
		return true
	})
	m.prefixes = slices.DeleteFunc(m.prefixes, func(tp tempPrefix) bool { return !tp.infinite && !tp.validUntil.After(t) })
	return events
}

// DADFailed reports that DAD found addr duplicated at now (RFC 8981 section
// 3.4 step 7): the address is removed and, unless TEMP_IDGEN_RETRIES failures
// have already happened for it, a new identifier is formed. The error wraps
// [ErrIDGenRetries] when the retries are exhausted.
func (m *TempManager) DADFailed(now time.Time, addr netip.Addr) ([]TempEvent, error) {
	if m == nil {
		return nil, errNilManager
	}
	now = m.clock(now)
	events := m.advance(now, nil)
	j := slices.IndexFunc(m.addrs, func(a TempAddr) bool { return a.Addr == addr })
	if j < 0 {
		return events, fmt.Errorf("slaac: %v is not a temporary address", addr)
	}
	a := m.addrs[j]
	m.addrs = slices.Delete(m.addrs, j, j+1)
	events = append(events, TempEvent{Kind: TempDADFailed, Time: now, TempAddr: a})
	if a.DADCounter+1 > m.cfg.Profile.IDGenRetries {
		return events, fmt.Errorf("%w: %d DAD failures for a temporary address in %v", ErrIDGenRetries, a.DADCounter+1, a.Prefix)
	}
	ev, err := m.create(a.Prefix, now, a.DADCounter+1)
	return append(events, ev...), err
}
