package slaac

import (
	"net/netip"
	"testing"
	"time"
)

// TestTempTimeIsAnArgument: the manager reads no clock; the same inputs at
// the same times give the same schedule, and a now that goes backwards
// counts as the latest one seen instead of undoing deadlines.
func TestTempTimeIsAnArgument(t *testing.T) {
	m, err := NewTempManager(TempConfig{Profile: RFC8981Profile()}) // nil Rand: crypto/rand
	if err != nil {
		t.Fatal(err)
	}
	evs, err := m.PrefixInfo(t0, docPrefix, 30*24*time.Hour, 7*24*time.Hour)
	if err != nil || len(evs) != 1 || !evs[0].Created.Equal(t0) {
		t.Fatalf("first RA at t0: %v, %v", kinds(evs), err)
	}
	next, ok := m.NextDeadline()
	if !ok {
		t.Fatal("no deadline after forming an address")
	}
	if evs := m.Advance(next.Add(-time.Nanosecond)); len(evs) != 0 {
		t.Errorf("events before the deadline: %v", kinds(evs))
	}
	evs = m.Advance(next)
	if len(evs) == 0 || !evs[0].Time.Equal(next) {
		t.Fatalf("at the deadline %v: %v", next, kinds(evs))
	}
	n := len(m.Addrs())
	if evs := m.Advance(t0); len(evs) != 0 || len(m.Addrs()) != n {
		t.Errorf("time going back to t0 changed the state: %v", kinds(evs))
	}
	evs, err = m.PrefixInfo(t0, docPrefix, 30*24*time.Hour, 7*24*time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range evs {
		if e.Time.Before(next) {
			t.Errorf("an RA given at t0 after %v made an event at %v, in the past", next, e.Time)
		}
	}
	for _, a := range m.Addrs() {
		if a.Created.Before(t0) || a.Created.After(next) {
			t.Errorf("%v created at %v, outside [t0, %v]", a.Addr, a.Created, next)
		}
	}
}

// TestTempBadArguments: nil managers and out-of-range arguments return
// errors, never panic.
func TestTempBadArguments(t *testing.T) {
	var nilm *TempManager
	if _, err := nilm.PrefixInfo(t0, docPrefix, time.Hour, time.Hour); err == nil {
		t.Error("nil manager: PrefixInfo succeeded")
	}
	if _, err := nilm.DADFailed(t0, netip.MustParseAddr("2001:db8:1:2::1")); err == nil {
		t.Error("nil manager: DADFailed succeeded")
	}
	if evs := nilm.Advance(t0); evs != nil || nilm.Addrs() != nil {
		t.Error("nil manager: events or addresses")
	}
	if _, ok := nilm.NextDeadline(); ok {
		t.Error("nil manager: a deadline")
	}
	m, c := newTestManager(t, RFC8981Profile(), &scripted{})
	for name, args := range map[string]struct {
		p                netip.Prefix
		valid, preferred time.Duration
	}{
		"negative valid":        {docPrefix, -time.Hour, 0},
		"negative preferred":    {docPrefix, time.Hour, -time.Second},
		"valid above infinity":  {docPrefix, InfiniteLifetime + time.Second, time.Hour},
		"zero prefix":           {netip.Prefix{}, time.Hour, time.Hour},
		"IPv4 prefix":           {netip.MustParsePrefix("192.0.2.0/24"), time.Hour, time.Hour},
		"IPv4-mapped /64":       {netip.MustParsePrefix("::ffff:0:0/64"), time.Hour, time.Hour},
		"/128":                  {netip.MustParsePrefix("2001:db8::1/128"), time.Hour, time.Hour},
		"preferred above valid": {docPrefix, time.Hour, 2 * time.Hour},
	} {
		if _, err := m.PrefixInfo(c.now, args.p, args.valid, args.preferred); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := m.DADFailed(c.now, netip.Addr{}); err == nil {
		t.Error("DADFailed of the zero address succeeded")
	}
	if len(m.Addrs()) != 0 {
		t.Errorf("bad arguments formed addresses: %v", m.Addrs())
	}
}
