package slaac

import (
	"errors"
	"math/rand/v2"
	"net/netip"
	"testing"
	"time"
)

// checkTempInvariants verifies what must hold after any event sequence.
func checkTempInvariants(t *testing.T, m *TempManager, now time.Time) {
	t.Helper()
	p := m.cfg.Profile
	seen := map[netip.Addr]bool{}
	for _, a := range m.Addrs() {
		switch {
		case seen[a.Addr]:
			t.Fatalf("duplicate address %v", a.Addr)
		case IIDFrom(a.Addr).Reserved():
			t.Fatalf("reserved IID %v", a.Addr)
		case a.PreferredUntil.After(a.ValidUntil):
			t.Fatalf("%v preferred %v after valid %v", a.Addr, a.PreferredUntil, a.ValidUntil)
		case a.ValidUntil.After(a.Created.Add(p.ValidLifetime)):
			t.Fatalf("%v valid past TEMP_VALID_LIFETIME", a.Addr)
		case a.PreferredUntil.After(a.Created.Add(p.PreferredLifetime - a.Desync)):
			t.Fatalf("%v preferred past TEMP_PREFERRED_LIFETIME - DESYNC_FACTOR", a.Addr)
		case a.Desync < 0 || a.Desync >= max(p.MaxDesyncFactor, time.Second):
			t.Fatalf("%v desync %v out of range", a.Addr, a.Desync)
		case !a.ValidUntil.After(now):
			t.Fatalf("%v still present at %v after its valid lifetime %v", a.Addr, now, a.ValidUntil)
		case a.Deprecated == a.PreferredUntil.After(now):
			t.Fatalf("%v deprecated=%v at %v with preferred until %v", a.Addr, a.Deprecated, now, a.PreferredUntil)
		case !docPrefix.Contains(a.Addr) && !netip.MustParsePrefix("2001:db8:8011:fd44::/64").Contains(a.Addr):
			t.Fatalf("%v outside the advertised prefixes", a.Addr)
		}
		seen[a.Addr] = true
	}
}

// FuzzTempManager drives a manager with random event sequences and checks
// its invariants and that events come in time order.
func FuzzTempManager(f *testing.F) {
	f.Add([]byte{0, 10, 20, 1, 200, 30, 2, 0, 0, 3, 255, 255}, uint64(1), false)
	f.Add([]byte{0, 255, 255, 1, 255, 255, 1, 255, 255, 0, 0, 0}, uint64(2), true)
	f.Fuzz(func(t *testing.T, ops []byte, seed uint64, linux bool) {
		profile := RFC8981Profile()
		if linux {
			profile = LinuxProfile()
		}
		c := newTimeline()
		m, err := NewTempManager(TempConfig{Profile: profile, Rand: rand.NewChaCha8([32]byte{byte(seed), byte(seed >> 8)})})
		if err != nil {
			t.Fatal(err)
		}
		prefixes := []netip.Prefix{docPrefix, netip.MustParsePrefix("2001:db8:8011:fd44::/64")}
		last := t0
		for len(ops) >= 3 {
			op, a, b := ops[0], ops[1], ops[2]
			ops = ops[3:]
			var evs []TempEvent
			switch op % 4 {
			case 0, 1: // RA
				valid := time.Duration(a) * 15 * time.Minute
				if a == 255 {
					valid = InfiniteLifetime
				}
				preferred := min(time.Duration(b)*10*time.Minute, valid)
				evs, err = m.PrefixInfo(c.now, prefixes[op/4%2], valid, preferred)
				if err != nil && !errors.Is(err, ErrIDGenRetries) {
					t.Fatal(err)
				}
			case 2: // time passes
				c.add(time.Duration(a)*time.Minute*7 + time.Duration(b)*time.Second)
				evs = m.Advance(c.now)
			case 3: // DAD failure of some address
				if as := m.Addrs(); len(as) > 0 {
					evs, _ = m.DADFailed(c.now, as[int(a)%len(as)].Addr)
				}
			}
			for _, e := range evs {
				if e.Time.Before(last) || e.Time.After(c.now) {
					t.Fatalf("event %v at %v outside [%v, %v]", e.Kind, e.Time, last, c.now)
				}
				last = e.Time
			}
			checkTempInvariants(t, m, c.now)
		}
		// Far in the future every address has expired.
		c.add(400 * 24 * time.Hour)
		m.Advance(c.now)
		for _, a := range m.Addrs() {
			if !a.ValidUntil.After(c.now) {
				t.Fatalf("%v not expired", a.Addr)
			}
		}
	})
}
