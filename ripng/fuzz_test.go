package ripng

import (
	"bytes"
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func FuzzMessage(f *testing.F) {
	// Whole-table request: command 1, version 1, ::/0 metric 16.
	f.Add(join([]byte{1, 1, 0, 0}, addr16("::"), []byte{0, 0, 0, 16}))
	// Response: 2001:db8:1::/48 tag 0x1234 metric 1, next hop fe80::1,
	// 2001:db8:2::/64 metric 16.
	f.Add(join([]byte{2, 1, 0, 0},
		addr16("2001:db8:1::"), []byte{0x12, 0x34, 48, 1},
		addr16("fe80::1"), []byte{0, 0, 0, 0xff},
		addr16("2001:db8:2::"), []byte{0, 0, 64, 16}))
	// Next hop with junk tag and length, global next hop (read as ::).
	f.Add(join([]byte{2, 1, 0, 0}, addr16("2001:db8::1"), []byte{1, 2, 3, 0xff}))
	// Bad: version 2, host bits, prefix length 129, trailing byte.
	f.Add([]byte{2, 2, 0, 0})
	f.Add(join([]byte{2, 1, 0, 0}, addr16("2001:db8::1"), []byte{0, 0, 64, 1}))
	f.Add(join([]byte{2, 1, 0, 0}, addr16("2001:db8::"), []byte{0, 0, 129, 1}, []byte{0}))
	f.Add(fullPacket(f))

	f.Fuzz(func(t *testing.T, b []byte) {
		// The iterator never panics, whatever it is given.
		var d Decoder
		_ = d.Reset(b)
		n := 0
		var walked []RTE
		firstBad := -1
		for d.Next() {
			e, err := d.Entry()
			if err != nil && firstBad < 0 {
				firstBad = d.Offset()
			}
			walked = append(walked, e)
			_ = d.PrefixLen()
			n++
		}
		if d.Err() == nil && n != d.Len() {
			t.Fatalf("walked %d entries, Len says %d", n, d.Len())
		}

		// The strict decoder, which decodes in place, agrees with the
		// iterator: the same entries, and it fails where the first bad
		// entry is.
		var m Message
		if err := m.UnmarshalBinary(b); err != nil {
			var pe *ParseError
			if d.Err() == nil && (!errors.As(err, &pe) || pe.Offset != firstBad) {
				t.Fatalf("UnmarshalBinary: %v; the iterator's first bad entry is at %d", err, firstBad)
			}
			return
		}
		if firstBad >= 0 {
			t.Fatalf("UnmarshalBinary accepted %x; the iterator rejects the entry at %d", b, firstBad)
		}
		if diff := cmp.Diff(walked, m.Entries, cmpOpts...); len(walked) > 0 && diff != "" {
			t.Fatalf("iterator and UnmarshalBinary differ (-iterator +strict):\n%s", diff)
		}
		b1, err := m.MarshalBinary()
		if err != nil {
			t.Fatalf("accepted %x but cannot marshal %+v: %v", b, m, err)
		}
		var m2 Message
		if err := m2.UnmarshalBinary(b1); err != nil {
			t.Fatalf("cannot parse own output %x: %v", b1, err)
		}
		if diff := cmp.Diff(m, m2, cmpOpts...); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		b2, err := m2.MarshalBinary()
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("marshal twice differs: %x vs %x (%v)", b1, b2, err)
		}
		// Route entries come back byte for byte; only next-hop entries
		// are normalised.
		if len(b1) != len(b) {
			t.Fatalf("length changed: %d → %d", len(b), len(b1))
		}
		for i, e := range m.Entries {
			off := HeaderLen + i*RTELen
			if !e.IsNextHop() && !bytes.Equal(b[off:off+RTELen], b1[off:off+RTELen]) {
				t.Fatalf("entry %d changed: %x → %x", i, b[off:off+RTELen], b1[off:off+RTELen])
			}
			if e.IsNextHop() && e.NextHop() != netip.IPv6Unspecified() && !e.NextHop().IsLinkLocalUnicast() {
				t.Fatalf("entry %d: next hop %v kept though not link-local", i, e.NextHop())
			}
		}
	})
}

// FuzzSpeakerReceive feeds random packets from random sources to a speaker
// with small limits: the table never holds more than the limits allow, or
// anything a receiver must drop.
func FuzzSpeakerReceive(f *testing.F) {
	f.Add(response(RTE{Prefix: pA, Metric: 1}), uint8(0), uint16(521), uint8(255))
	f.Add(join([]byte{2, 1, 0, 0}, addr16("fe80::1"), []byte{0, 0, 0, 0xff}, addr16("2001:db8::"), []byte{0, 1, 32, 15}), uint8(3), uint16(521), uint8(255))
	f.Add([]byte{1, 1, 0, 0}, uint8(1), uint16(521), uint8(255))
	f.Add(join([]byte{1, 1, 0, 0}, addr16("::"), []byte{0, 0, 0, 16}), uint8(2), uint16(1234), uint8(1))
	f.Fuzz(func(t *testing.T, b []byte, src uint8, port uint16, hop uint8) {
		c := newTestCore(t, Config{RouteLimit: 20, NeighborLimit: 4})
		now := c.nextPeriodic.Add(-time.Second)
		from := netip.AddrFrom16([16]byte{0xfe, 0x80, 15: src})
		if src == 0xff {
			from = netip.MustParseAddr("2001:db8::1")
		}
		for i := range 3 {
			// The same packet from three neighbours, and again later.
			from2 := netip.AddrFrom16([16]byte{0xfe, 0x80, 14: byte(i), 15: src})
			c.receive(now, 0, b, PacketInfo{Src: netip.AddrPortFrom(from, port), Dst: AllRIPRouters(), HopLimit: int(hop)})
			c.receive(now, 0, b, PacketInfo{Src: netip.AddrPortFrom(from2, port), Dst: llA, HopLimit: int(hop)})
			c.tick(now.Add(time.Duration(i) * time.Minute))
		}
		if c.nrip > 20 || len(c.table) > 20 {
			t.Fatalf("%d learned routes, limit 20", c.nrip)
		}
		if len(c.ifaces[0].neighbors) > 4 {
			t.Fatalf("%d neighbours, limit 4", len(c.ifaces[0].neighbors))
		}
		for p, e := range c.table {
			if err := (RTE{Prefix: p, Metric: e.metric, Tag: e.tag}).Validate(Response); err != nil {
				t.Fatalf("table holds %v metric %d: %v", p, e.metric, err)
			}
			if !e.nexthop.IsLinkLocalUnicast() || !e.from.IsLinkLocalUnicast() {
				t.Fatalf("route %v via %v from %v", p, e.nexthop, e.from)
			}
		}
	})
}

// FuzzRouteRules holds the codecs' one-predicate check of an entry's rules
// to the rule-by-rule one that names the broken rule.
func FuzzRouteRules(f *testing.F) {
	f.Add(uint64(0x20010db800000000), uint64(0), uint8(48), uint8(1), false)
	f.Add(uint64(0x20010db800000000), uint64(1), uint8(127), uint8(16), false)
	f.Add(uint64(0x20010db800000000), uint64(1), uint8(128), uint8(1), false)
	f.Add(uint64(0xfe80000000000000), uint64(0), uint8(64), uint8(1), false)
	f.Add(uint64(0xff02000000000000), uint64(0), uint8(16), uint8(1), true)
	f.Add(uint64(0), uint64(0), uint8(0), uint8(16), true)
	f.Add(uint64(1), uint64(0), uint8(63), uint8(0), false)
	f.Add(uint64(0), uint64(0), uint8(129), uint8(1), false)
	f.Fuzz(func(t *testing.T, hi, lo uint64, plen, metric uint8, request bool) {
		c := Response
		if request {
			c = Request
		}
		ok, err := routeOK(hi, lo, plen, metric, c), checkRoute(hi, lo, plen, metric, c)
		if ok != (err == nil) {
			t.Fatalf("%016x%016x/%d metric %d %v: routeOK %v, checkRoute %v", hi, lo, plen, metric, c, ok, err)
		}
	})
}
