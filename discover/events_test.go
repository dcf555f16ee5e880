package discover

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"testing/synctest"
	"time"

	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
	"github.com/v6kit/v6kit/slaac"
)

// zonedEnv is memEnv on interface index 7.
func zonedEnv(own []netip.Addr, cache []ndp.Neighbor) env {
	e := memEnv(ourMAC, own, cache)
	e.zone = "7"
	return e
}

// scanMem runs one scan over l from a scanner with our addresses own and
// options o, and returns the scanner (closed when the test ends), the
// hosts and how long the scan took on the test's clock.
func scanMem(t *testing.T, l *memLink, own []netip.Addr, o *Options) (*Scanner, []Host, time.Duration) {
	t.Helper()
	s, err := newScanner(l, memEnv(ourMAC, own, nil), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	start := time.Now()
	got, err := s.ScanAll(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return s, got, time.Since(start)
}

// TestEvents: a host's FoundHost comes before its FoundAddr events, every
// address comes exactly once, link-locals are zoned with the interface
// index, Events and ScanAll agree, and the sequence ends once the link is
// quiet, long before Timeout, with every goroutine of the scan gone
// (synctest fails on a goroutine left behind).
func TestEvents(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newMemLink(ourMAC, labHosts()...)
		s, err := newScanner(l, zonedEnv([]netip.Addr{ourLL, ourGUA, ourULA}, nil), &Options{Timeout: 10 * time.Second})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		start := time.Now()
		hosts := map[string]bool{}
		addrs := map[string]map[netip.Addr]bool{}
		for e, err := range s.Events(context.Background()) {
			if err != nil {
				t.Fatal(err)
			}
			k := e.Host.MAC.String()
			switch e.Kind {
			case FoundHost:
				if hosts[k] {
					t.Errorf("FoundHost %s twice", k)
				}
				hosts[k] = true
				addrs[k] = map[netip.Addr]bool{}
				if len(e.Host.Addrs) > 1 {
					t.Errorf("FoundHost %s with %d addresses, want at most the one it was found by", k, len(e.Host.Addrs))
				}
			case FoundAddr:
				if !hosts[k] {
					t.Errorf("FoundAddr %v of %s before its FoundHost", e.Addr.Addr, k)
					continue
				}
				if addrs[k][e.Addr.Addr] {
					t.Errorf("FoundAddr %v of %s twice", e.Addr.Addr, k)
				}
				addrs[k][e.Addr.Addr] = true
				if e.Addr.Kind == slaac.KindUnknown {
					t.Errorf("FoundAddr %v of %s without a kind", e.Addr.Addr, k)
				}
				if e.Addr.Addr.IsLinkLocalUnicast() != (e.Addr.Addr.Zone() == "7") {
					t.Errorf("address %v: a link-local has the zone 7 (the interface index), others none", e.Addr.Addr)
				}
			default:
				t.Errorf("event of kind %v", e.Kind)
			}
		}
		if took := time.Since(start); took >= time.Second {
			t.Errorf("the scan took %v of its 10 s Timeout on a link that answers at once; it should end once quiet", took)
		}
		all, err := s.ScanAll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(all) != len(hosts) {
			t.Errorf("Events found %d hosts, ScanAll %d", len(hosts), len(all))
		}
		for _, h := range all {
			for _, a := range h.Addrs {
				if !addrs[h.MAC.String()][a.Addr] {
					t.Errorf("ScanAll has %v of %v, Events did not announce it", a.Addr, h.MAC)
				}
			}
		}
	})
}

// TestEventsStop: breaking out of the loop and cancelling both end the
// scan at once; a cancelled scan yields ctx's error last.
func TestEventsStop(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newMemLink(ourMAC, labHosts()...)
		s, err := newScanner(l, zonedEnv([]netip.Addr{ourLL, ourGUA}, nil), &Options{Timeout: time.Hour, Quiet: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		for range s.Events(context.Background()) {
			break
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var last error
		n := 0
		for _, err := range s.Events(ctx) {
			if err != nil {
				last = err
				continue
			}
			if n++; n == 1 {
				cancel()
			}
		}
		if !errors.Is(last, context.Canceled) {
			t.Errorf("last error %v, want context.Canceled", last)
		}
	})
}

// TestScanWaitsForSlowHosts: the quiet period grows with the slowest
// answer seen: a host answering after 15 ms (within the wired floor)
// doubles it, so that one answering after 45 ms is found too (the floor
// alone would have ended the scan before), and the scan still ends long
// before Timeout.
func TestScanWaitsForSlowHosts(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hs := labHosts()
		slow := *hs[1]
		slow.delay = 15 * time.Millisecond
		slower := *hs[3]
		slower.delay = 45 * time.Millisecond
		s, got, took := scanMem(t, newMemLink(ourMAC, hs[0], &slow, &slower), []netip.Addr{ourLL, ourGUA}, &Options{Timeout: 5 * time.Second})
		if len(got) != 3 {
			t.Errorf("found %d hosts, want 3 (the slow ones too)", len(got))
		}
		if took >= time.Second || took < 45*time.Millisecond {
			t.Errorf("scan took %v: want it to wait for the 45 ms host and end long before the 5 s Timeout", took)
		}
		if s.slowest < 45*time.Millisecond {
			t.Errorf("slowest round trip %v, want ≥ 45 ms", s.slowest)
		}
	})
}

// TestScanWaitsForSleepingHost: a host the neighbour cache knows but that
// has not answered yet keeps the scan listening for SleepyQuiet (a Wi-Fi
// station in power save answers at the next DTIM beacon), and one that
// answers within it is found.
func TestScanWaitsForSleepingHost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hs := labHosts()
		sleepy := *hs[0]
		sleepy.delay = 250 * time.Millisecond
		cache := []ndp.Neighbor{{Addr: sleepy.addrs[0], MAC: sleepy.mac.HardwareAddr(), State: ndp.StateStale}}
		l := newMemLink(ourMAC, &sleepy, hs[1])
		s, err := newScanner(l, memEnv(ourMAC, []netip.Addr{ourLL, ourGUA}, cache), &Options{Timeout: 5 * time.Second, Quiet: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		start := time.Now()
		got, err := s.ScanAll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 2 {
			t.Errorf("found %d hosts, want 2 (the sleeping one too)", len(got))
		}
		if took := time.Since(start); took < 250*time.Millisecond || took >= time.Second {
			t.Errorf("scan took %v: want the sleeping host waited for, then an end well before the Timeout", took)
		}
		// A host that left is waited for as long, and not reported.
		s.slowest = 0
		gone := []ndp.Neighbor{{Addr: a("fe80::ee"), MAC: []byte{0xb8, 0x27, 0xeb, 0, 0, 0xee}, State: ndp.StateStale}}
		s.env = memEnv(ourMAC, []netip.Addr{ourLL, ourGUA}, gone)
		l.setHosts(hs[1])
		start = time.Now()
		got, err = s.ScanAll(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if took := time.Since(start); len(got) != 1 || took < SleepyQuiet || took >= SleepyQuiet+100*time.Millisecond {
			t.Errorf("found %d hosts in %v, want 1 after waiting SleepyQuiet (%v) for the one that left", len(got), took, SleepyQuiet)
		}
	})
}

// TestScanWirelessFloor: on a wireless link the quiet period's floor is
// SleepyQuiet, so a scan waits that long after the last answer even when
// every host answered at once; Options.Quiet overrides it.
func TestScanWirelessFloor(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := memEnv(ourMAC, []netip.Addr{ourLL, ourGUA}, nil)
		e.wireless = true
		for _, tt := range []struct {
			quiet    time.Duration
			min, max time.Duration
		}{
			{0, SleepyQuiet, 3 * SleepyQuiet},
			{10 * time.Millisecond, 10 * time.Millisecond, 100 * time.Millisecond},
		} {
			s, err := newScanner(newMemLink(ourMAC, labHosts()...), e, &Options{Timeout: 5 * time.Second, Quiet: tt.quiet})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			if _, err := s.ScanAll(context.Background()); err != nil {
				t.Fatal(err)
			}
			if took := time.Since(start); took < tt.min || took > tt.max {
				t.Errorf("Quiet %v on a wireless link: the scan took %v, want %v to %v", tt.quiet, took, tt.min, tt.max)
			}
			s.Close()
		}
	})
}

// TestCloseEndsScan: closing the Scanner while a scan waits ends the scan
// at once with an error wrapping net.ErrClosed, not when Timeout runs out.
func TestCloseEndsScan(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		l := newMemLink(ourMAC, labHosts()...)
		s, err := newScanner(l, zonedEnv([]netip.Addr{ourLL, ourGUA}, nil), &Options{Timeout: time.Hour, Quiet: time.Hour})
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		var last error
		for _, err := range s.Scan(context.Background()) {
			if err != nil {
				last = err
				continue
			}
			s.Close() // after the first host
		}
		if !errors.Is(last, net.ErrClosed) {
			t.Errorf("scan after Close ended with %v, want net.ErrClosed", last)
		}
		if took := time.Since(start); took >= time.Minute {
			t.Errorf("scan after Close took %v: it waited for its Timeout", took)
		}
	})
}

// TestLateHostGetsDirectedEcho: a host whose answers to the multicast
// rounds were all lost and whose MLD report comes only after the rounds
// still gets its echo request in a frame to its MAC, so its global
// address is found, not just the link-local its report came from.
func TestLateHostGetsDirectedEcho(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hs := labHosts()
		late := *hs[3]
		late.lostMulticast, late.ignoreMcastEcho = true, false
		late.mldDelay = 20 * time.Millisecond // after the third round, within the report window
		_, got, _ := scanMem(t, newMemLink(ourMAC, hs[0], &late), []netip.Addr{ourLL, ourGUA}, &Options{Timeout: 5 * time.Second})
		for _, h := range got {
			if !bytes.Equal(h.MAC, late.mac.HardwareAddr()) {
				continue
			}
			if !h.Has(late.addrs[1]) {
				t.Errorf("late host %v has %v, want its global address %v too (a directed echo)", h.MAC, h.Addrs, late.addrs[1])
			}
			return
		}
		t.Errorf("late host %v not found (its MLD report came after the rounds)", late.mac)
	})
}

// TestFindsBeforeAsks: on a big link whose multicast answers were lost,
// the echo requests that find each host's global address go out before
// the solicitations that only ask a host found whether it routes, so a
// scan cut short by its Timeout has every address.
func TestFindsBeforeAsks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var hs []*fakeHost
		want := 0
		for i := range 60 {
			mac := v6frame.MAC{0xb8, 0x27, 0xeb, 0, 1, byte(i)}
			ll := netip.AddrFrom16([16]byte{0xfe, 0x80, 14: 1, 15: byte(i)})
			gua := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 14: 1, 15: byte(i)})
			// Found by its MLD report; its answers to the rounds were lost.
			hs = append(hs, &fakeHost{mac: mac, addrs: []netip.Addr{ll, gua}, lostMulticast: true})
			want += 2
		}
		l := newMemLink(ourMAC, hs...)
		// 32 frames at once, then 400 per second: the rounds, 60 directed
		// echoes and 60 asks need ~250 ms, the rounds and echoes ~120 ms.
		_, got, _ := scanMem(t, l, []netip.Addr{ourLL, ourGUA}, &Options{Timeout: 200 * time.Millisecond, Rate: 400})
		n := 0
		for _, h := range got {
			for _, ad := range h.Addrs {
				if ad.Addr.IsLinkLocalUnicast() || netip.MustParsePrefix("2001:db8:1::100/120").Contains(ad.Addr) {
					n++
				}
			}
		}
		if n != want {
			t.Errorf("found %d of %d addresses before the Timeout: the asks (135) went before the echoes (128) that find global addresses; ICMPv6 types sent: %v", n, want, l.kinds)
		}
	})
}

// TestRoundsNotHeldBack: answers that never pause — a hundred hosts' MLD
// reports, one every 4 ms for 400 ms — hold a probe round back by at
// most a quiet period, so the rounds, and the directed echoes after them,
// still go out early and the scan ends long before the last report (every
// host was known by then).
func TestRoundsNotHeldBack(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var hs []*fakeHost
		for i := range 100 {
			mac := v6frame.MAC{0xb8, 0x27, 0xeb, 0, 2, byte(i)}
			ll := netip.AddrFrom16([16]byte{0xfe, 0x80, 14: 2, 15: byte(i)})
			gua := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 14: 2, 15: byte(i)})
			hs = append(hs, &fakeHost{mac: mac, addrs: []netip.Addr{ll, gua}, mldDelay: time.Duration(i+1) * 4 * time.Millisecond})
		}
		l := newMemLink(ourMAC, hs...)
		_, got, took := scanMem(t, l, []netip.Addr{ourLL, ourGUA}, &Options{Timeout: 5 * time.Second})
		if len(got) != 100 {
			t.Errorf("found %d hosts, want 100", len(got))
		}
		echoes := 0
		for _, k := range l.mcast {
			if k == icmpEchoRequest {
				echoes++
			}
		}
		if echoes != 2*probeRounds {
			t.Errorf("sent %d multicast echo requests, want %d (every round, from both sources); ICMPv6 types sent to multicast MACs: %v", echoes, 2*probeRounds, l.mcast)
		}
		if took >= 300*time.Millisecond {
			t.Errorf("scan took %v: the rounds waited for the MLD reports to pause (the last at 400 ms)", took)
		}
	})
}

// TestRoundTripFromItsRound: a host whose answers to the first round were
// lost answers the second at once; its round trip is timed from the
// second round's send, so the quiet period is not stretched by the gap
// between rounds.
func TestRoundTripFromItsRound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		hs := labHosts()
		lossy := *hs[0]
		lossy.skip = 6 // the first round's echo and invalid-dst from three sources
		// Echo and invalid-dst only: an NS's answer would time the host
		// on its own.
		s, got, _ := scanMem(t, newMemLink(ourMAC, &lossy), []netip.Addr{ourLL, ourGUA, ourULA}, &Options{Timeout: 5 * time.Second, Methods: MethodEcho | MethodInvalidDst})
		if len(got) != 1 {
			t.Fatalf("found %d hosts, want the lossy one", len(got))
		}
		if s.slowest >= DefaultQuiet/roundsPerQuiet {
			t.Errorf("slowest round trip %v: timed from the first round, not from the round it answered", s.slowest)
		}
	})
}
