package slaac

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"
)

// TempProfile holds the RFC 8981 section 3.8 parameters of a
// temporary-address manager.
type TempProfile struct {
	// Name identifies the profile in output ("rfc8981", "linux").
	Name string
	// ValidLifetime is TEMP_VALID_LIFETIME.
	ValidLifetime time.Duration
	// PreferredLifetime is TEMP_PREFERRED_LIFETIME.
	PreferredLifetime time.Duration
	// RegenAdvance is REGEN_ADVANCE: how long before deprecation a
	// replacement is formed.
	RegenAdvance time.Duration
	// MaxDesyncFactor is MAX_DESYNC_FACTOR. DESYNC_FACTOR is drawn in
	// whole seconds from [0, MaxDesyncFactor).
	MaxDesyncFactor time.Duration
	// IDGenRetries is TEMP_IDGEN_RETRIES: new identifiers tried after DAD
	// failures of one address.
	IDGenRetries int
	// DesyncPerInterface draws one DESYNC_FACTOR for the manager's
	// lifetime, as Linux does (idev->desync_factor), instead of a fresh one
	// per address as RFC 8981 section 3.4 says.
	DesyncPerInterface bool
}

// RFC8981Profile returns the defaults of RFC 8981 section 3.8: valid 2 days,
// preferred 1 day, REGEN_ADVANCE 2 + 3 retries × 1 DAD transmit × 1 s = 5 s,
// MAX_DESYNC_FACTOR 0.4 × preferred, 3 retries, a fresh DESYNC_FACTOR per
// address.
func RFC8981Profile() TempProfile {
	return TempProfile{
		Name:              "rfc8981",
		ValidLifetime:     48 * time.Hour,
		PreferredLifetime: 24 * time.Hour,
		RegenAdvance:      5 * time.Second,
		MaxDesyncFactor:   24 * time.Hour * 4 / 10,
		IDGenRetries:      3,
	}
}

// LinuxProfile returns the Linux kernel's defaults (net.ipv6.conf.*:
// temp_valid_lft 604800, temp_prefered_lft 86400, max_desync_factor 600,
// regen_max_retry 3, regen_min_advance 2, dad_transmits 1, RetransTimer 1 s,
// so REGEN_ADVANCE 5 s) with one DESYNC_FACTOR per interface.
func LinuxProfile() TempProfile {
	return TempProfile{
		Name:               "linux",
		ValidLifetime:      7 * 24 * time.Hour,
		PreferredLifetime:  24 * time.Hour,
		RegenAdvance:       5 * time.Second,
		MaxDesyncFactor:    600 * time.Second,
		IDGenRetries:       3,
		DesyncPerInterface: true,
	}
}

// TempConfig configures a [TempManager].
type TempConfig struct {
	// Profile holds the RFC 8981 parameters; see [RFC8981Profile] and
	// [LinuxProfile].
	Profile TempProfile
	// Now is the clock. Required.
	Now func() time.Time
	// Rand supplies randomness for identifiers (section 3.3.1) and
	// DESYNC_FACTOR. Required.
	Rand io.Reader
	// HashSecret, when set, selects hash-based identifiers (RFC 8981
	// section 3.3.2): the first 8 bytes of SHA-256(prefix (8) | NetIface |
	// creation time (be64 Unix nanoseconds) | DAD counter (1) |
	// HashSecret) instead of random ones.
	HashSecret []byte
	// NetIface is hashed with HashSecret.
	NetIface []byte
}

// TempEventKind says what happened to a temporary address.
type TempEventKind uint8

// Temporary-address events.
const (
	// TempCreated: a new temporary address (RFC 8981 section 3.4).
	TempCreated TempEventKind = iota + 1
	// TempDeprecated: its preferred lifetime ended (section 3.5).
	TempDeprecated
	// TempExpired: its valid lifetime ended; it is removed.
	TempExpired
	// TempDADFailed: DAD found it duplicated; it is removed (section 3.4
	// step 7).
	TempDADFailed
)

func (k TempEventKind) String() string {
	switch k {
	case TempCreated:
		return "created"
	case TempDeprecated:
		return "deprecated"
	case TempExpired:
		return "expired"
	case TempDADFailed:
		return "dad-failed"
	}
	return fmt.Sprintf("TempEventKind(%d)", uint8(k))
}

// MarshalText implements encoding.TextMarshaler.
func (k TempEventKind) MarshalText() ([]byte, error) { return []byte(k.String()), nil }

// TempAddr is one temporary address and its lifetimes.
type TempAddr struct {
	Addr   netip.Addr
	Prefix netip.Prefix
	// Created is when the address was formed.
	Created time.Time
	// PreferredUntil and ValidUntil are the absolute ends of its preferred
	// and valid lifetimes.
	PreferredUntil, ValidUntil time.Time
	// Desync is the DESYNC_FACTOR it was formed with.
	Desync time.Duration
	// DADCounter counts DAD failures behind this address.
	DADCounter int
	// Deprecated is true once PreferredUntil has passed.
	Deprecated bool

	regenerated bool
}

// TempEvent reports a change to a temporary address.
type TempEvent struct {
	Kind TempEventKind
	// Time is when it happened: the deadline that caused it, which may be
	// earlier than the clock when [TempManager.Advance] runs late.
	Time time.Time
	TempAddr
}

// ErrTempConfig reports a TempConfig without a clock or random source or
// with impossible lifetimes.
var ErrTempConfig = errors.New("slaac: invalid temporary-address configuration")

type tempPrefix struct {
	prefix                     netip.Prefix
	validUntil, preferredUntil time.Time
	infinite                   bool
}

// TempManager maintains RFC 8981 temporary addresses for the prefixes of one
// interface. It is driven by prefix information ([TempManager.PrefixInfo]),
// the passing of time ([TempManager.Advance]) and DAD results
// ([TempManager.DADFailed]); it never reads a clock or random source other
// than the ones configured, and it starts no goroutines. It is not safe for
// concurrent use.
type TempManager struct {
	cfg      TempConfig
	prefixes []tempPrefix
	addrs    []TempAddr
	desync   time.Duration
	haveDesy bool
}

// NewTempManager returns a manager with no prefixes.
func NewTempManager(cfg TempConfig) (*TempManager, error) {
	p := cfg.Profile
	switch {
	case cfg.Now == nil || cfg.Rand == nil:
		return nil, fmt.Errorf("%w: Now and Rand are required", ErrTempConfig)
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
func (m *TempManager) Addrs() []TempAddr { return slices.Clone(m.addrs) }

// InfiniteLifetime is the all-ones lifetime of a Prefix Information option.
const InfiniteLifetime = time.Duration(0xffffffff) * time.Second

// minValidLifetime is the "two hours" of RFC 4862 section 5.5.3 (e).
const minValidLifetime = 2 * time.Hour

// PrefixInfo processes a Prefix Information option with the A flag for
// prefix (a /64) received now, with the given valid and preferred lifetimes
// ([InfiniteLifetime] for infinity). It first runs [TempManager.Advance],
// then applies RFC 4862 section 5.5.3 (e) to the prefix, updates the
// lifetimes of its temporary addresses without extending them past their
// creation-time limits (RFC 8981 section 3.4), and
// forms a temporary address when the prefix has none that is preferred
// (section 3.4).
func (m *TempManager) PrefixInfo(prefix netip.Prefix, valid, preferred time.Duration) ([]TempEvent, error) {
	if err := CheckPrefix(prefix); err != nil {
		return nil, err
	}
	if valid < 0 || preferred < 0 || preferred > valid {
		return nil, fmt.Errorf("slaac: prefix %v: preferred lifetime %v must be within valid lifetime %v (RFC 4862 section 5.5.3 c)", prefix, preferred, valid)
	}
	prefix = prefix.Masked()
	now := m.cfg.Now()
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

// Advance processes every deadline up to the clock's now in time order:
// regeneration REGEN_ADVANCE before deprecation (RFC 8981 section 3.5,
// unless the prefix is no longer preferred), deprecation and expiry.
func (m *TempManager) Advance() []TempEvent { return m.advance(m.cfg.Now(), nil) }

// NextDeadline returns when [TempManager.Advance] has work next.
func (m *TempManager) NextDeadline() (time.Time, bool) {
	var next time.Time
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

// DADFailed reports that DAD found addr duplicated (RFC 8981 section 3.4
// step 7): the address is removed and, unless TEMP_IDGEN_RETRIES failures
// have already happened for it, a new identifier is formed. The error wraps
// [ErrIDGenRetries] when the retries are exhausted.
func (m *TempManager) DADFailed(addr netip.Addr) ([]TempEvent, error) {
	now := m.cfg.Now()
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

func (m *TempManager) desyncFactor() (time.Duration, error) {
	p := m.cfg.Profile
	max := min(p.MaxDesyncFactor, p.PreferredLifetime-p.RegenAdvance)
	if p.DesyncPerInterface && m.haveDesy && m.desync < max {
		return m.desync, nil
	}
	var d time.Duration
	if secs := uint64(max / time.Second); secs > 0 {
		var b [8]byte
		if _, err := io.ReadFull(m.cfg.Rand, b[:]); err != nil {
			return 0, fmt.Errorf("slaac: reading randomness: %w", err)
		}
		d = time.Duration(binary.BigEndian.Uint64(b[:])%secs) * time.Second
	}
	m.desync, m.haveDesy = d, true
	return d, nil
}

// create forms a temporary address for prefix at time t (RFC 8981 section
// 3.4 steps 3 to 6), if its preferred lifetime would exceed REGEN_ADVANCE.
func (m *TempManager) create(prefix netip.Prefix, t time.Time, dadCounter int) ([]TempEvent, error) {
	i := slices.IndexFunc(m.prefixes, func(tp tempPrefix) bool { return tp.prefix == prefix })
	if i < 0 {
		return nil, nil
	}
	tp := m.prefixes[i]
	p := m.cfg.Profile
	desync, err := m.desyncFactor()
	if err != nil {
		return nil, err
	}
	validUntil := minTime(tp.validUntil, t.Add(p.ValidLifetime))
	preferredUntil := minTime(tp.preferredUntil, t.Add(p.PreferredLifetime-desync), validUntil)
	if preferredUntil.Sub(t) <= p.RegenAdvance {
		return nil, nil
	}
	for tries := 0; ; tries++ {
		if tries > 64 {
			return nil, fmt.Errorf("slaac: no usable random identifier after %d tries", tries)
		}
		iid, err := m.tempIID(prefix, t, dadCounter+tries)
		if err != nil {
			return nil, err
		}
		if iid.Reserved() {
			continue
		}
		a, _ := Addr(prefix, iid)
		if slices.ContainsFunc(m.addrs, func(x TempAddr) bool { return x.Addr == a }) {
			continue
		}
		ta := TempAddr{
			Addr: a, Prefix: prefix, Created: t,
			PreferredUntil: preferredUntil, ValidUntil: validUntil,
			Desync: desync, DADCounter: dadCounter,
		}
		m.addrs = append(m.addrs, ta)
		return []TempEvent{{Kind: TempCreated, Time: t, TempAddr: ta}}, nil
	}
}

func (m *TempManager) tempIID(prefix netip.Prefix, t time.Time, counter int) (IID, error) {
	var iid IID
	if m.cfg.HashSecret == nil {
		if _, err := io.ReadFull(m.cfg.Rand, iid[:]); err != nil {
			return iid, fmt.Errorf("slaac: reading randomness: %w", err)
		}
		return iid, nil
	}
	pa := prefix.Addr().As16()
	b := append(pa[:8:8], m.cfg.NetIface...)
	b = binary.BigEndian.AppendUint64(b, uint64(t.UnixNano()))
	b = append(b, byte(counter))
	b = append(b, m.cfg.HashSecret...)
	s := sha256.Sum256(b)
	copy(iid[:], s[:8])
	return iid, nil
}

func minTime(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.Before(t) {
			t = u
		}
	}
	return t
}
