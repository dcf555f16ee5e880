package ripng

import (
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func newTestCore(t testing.TB, cfg Config) *core {
	c := newCore(simConfig(t, cfg, 1), []ifaceConf{{name: "eth0", cost: 1, ll: llA, mtu: 1500}})
	c.start(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	return c
}

func response(entries ...RTE) []byte {
	m := Message{Command: Response, Entries: entries}
	b, err := m.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return b
}

func TestReceiveRules(t *testing.T) {
	good := response(RTE{Prefix: pA, Metric: 1})
	mcast := AllRIPRouters()
	tests := []struct {
		name      string
		b         []byte
		pi        PacketInfo
		wantRoute bool
		bad       uint64 // bad packets counted
		badRoutes uint64
	}{
		{"accepted", good, PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: mcast, HopLimit: 255}, true, 0, 0},
		{"source port 520", good, PacketInfo{Src: netip.AddrPortFrom(llB, 520), Dst: mcast, HopLimit: 255}, false, 1, 0},
		{"global source", good, PacketInfo{Src: netip.MustParseAddrPort("[2001:db8::b]:521"), Dst: mcast, HopLimit: 255}, false, 1, 0},
		{"multicast hop limit 254", good, PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: mcast, HopLimit: 254}, false, 1, 0},
		{"unicast hop limit 64 (FRR's replies)", good, PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: llA, HopLimit: 64}, true, 0, 0},
		{"our own", good, PacketInfo{Src: netip.AddrPortFrom(llA, 521), Dst: mcast, HopLimit: 255}, false, 0, 0},
		{"version 2", append([]byte{2, 2, 0, 0}, good[4:]...), PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: mcast, HopLimit: 255}, false, 1, 0},
		{"bad entries dropped one by one", join([]byte{2, 1, 0, 0},
			addr16("ff02::"), []byte{0, 0, 16, 1}, // multicast
			addr16("fe80::"), []byte{0, 0, 64, 1}, // link-local
			addr16("2001:db8::"), []byte{0, 0, 129, 1}, // length > 128
			addr16("2001:db8::"), []byte{0, 0, 32, 0}, // metric 0
			addr16("2001:db8::"), []byte{0, 0, 32, 17}, // metric 17
			addr16("2001:db8::1"), []byte{0, 0, 32, 1}, // host bits
			good[4:]), PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: mcast, HopLimit: 255}, true, 0, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := newTestCore(t, Config{})
			c.receive(c.nextPeriodic.Add(-time.Second), 0, tt.b, tt.pi)
			_, got := c.table[pA]
			if got != tt.wantRoute {
				t.Errorf("route learned = %v, want %v", got, tt.wantRoute)
			}
			if c.stats.BadPackets != tt.bad || c.stats.BadRoutes != tt.badRoutes {
				t.Errorf("bad packets/routes = %d/%d, want %d/%d", c.stats.BadPackets, c.stats.BadRoutes, tt.bad, tt.badRoutes)
			}
			if n := c.ifaces[0].neighbors[llB]; n != nil && (n.badPackets != tt.bad || n.badRoutes != tt.badRoutes) {
				t.Errorf("neighbour counters = %d/%d, want %d/%d", n.badPackets, n.badRoutes, tt.bad, tt.badRoutes)
			}
		})
	}
}

func TestReceiveCostCapped(t *testing.T) {
	c := newCore(simConfig(t, Config{}, 1), []ifaceConf{{name: "eth0", cost: 5, ll: llA, mtu: 1500}})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.start(now)
	p2 := netip.MustParsePrefix("2001:db8:2::/48")
	c.receive(now, 0, response(RTE{Prefix: pA, Metric: 3}, RTE{Prefix: p2, Metric: 12}), PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: AllRIPRouters(), HopLimit: 255})
	if r := c.table[pA]; r == nil || r.metric != 8 {
		t.Errorf("metric 3 over cost 5 = %+v, want 8", r)
	}
	if r := c.table[p2]; r != nil {
		t.Errorf("metric 12 over cost 5 reached 16 and should not be installed, got %+v", r)
	}
}

func TestAnswerRequests(t *testing.T) {
	c := newTestCore(t, Config{Announce: []Route{{Prefix: pA, Tag: 9, Metric: 2}}})
	now := c.nextPeriodic.Add(-time.Second)
	// A route learned from fe80::b on eth0: poisoned back to the
	// whole-table requester on eth0.
	pB := netip.MustParsePrefix("2001:db8:b::/48")
	c.receive(now, 0, response(RTE{Prefix: pB, Metric: 1}), PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: AllRIPRouters(), HopLimit: 255})

	req := WholeTableRequest()
	b, _ := req.MarshalBinary()
	out := c.receive(now, 0, b, PacketInfo{Src: netip.MustParseAddrPort("[fe80::c]:5555"), Dst: AllRIPRouters(), HopLimit: 255})
	if len(out) != 1 || out[0].dst != netip.MustParseAddrPort("[fe80::c]:5555") {
		t.Fatalf("whole-table answer = %+v, want one packet to [fe80::c]:5555", out)
	}
	var m Message
	if err := m.UnmarshalBinary(out[0].b); err != nil {
		t.Fatal(err)
	}
	want := []RTE{{Prefix: pA, Tag: 9, Metric: 2}, {Prefix: pB, Metric: 16}}
	if diff := cmp.Diff(want, m.Entries, cmpOpts...); diff != "" {
		t.Errorf("whole-table answer (-want +got):\n%s", diff)
	}

	// A specific request gets the same entries back, metrics filled in.
	q := Message{Command: Request, Entries: []RTE{{Prefix: netip.MustParsePrefix("2001:db8:ffff::/48")}, {Prefix: pA}}}
	b, _ = q.MarshalBinary()
	out = c.receive(now, 0, b, PacketInfo{Src: netip.MustParseAddrPort("[2001:db8::c]:40000"), Dst: llA, HopLimit: 60})
	if len(out) != 1 || out[0].dst != netip.MustParseAddrPort("[2001:db8::c]:40000") {
		t.Fatalf("specific answer = %+v", out)
	}
	if err := m.UnmarshalBinary(out[0].b); err != nil {
		t.Fatal(err)
	}
	want = []RTE{{Prefix: netip.MustParsePrefix("2001:db8:ffff::/48"), Metric: 16}, {Prefix: pA, Tag: 9, Metric: 2}}
	if diff := cmp.Diff(want, m.Entries, cmpOpts...); diff != "" {
		t.Errorf("specific answer (-want +got):\n%s", diff)
	}
}

func TestImportExportFilters(t *testing.T) {
	pB := netip.MustParsePrefix("2001:db8:b::/48")
	c := newTestCore(t, Config{
		Announce: []Route{{Prefix: pA}, {Prefix: netip.MustParsePrefix("2001:db8:1::/48")}},
		Import:   func(r RouteInfo) bool { return r.Prefix != pB },
		Export:   func(r RouteInfo) bool { return r.Prefix == pA },
	})
	now := c.nextPeriodic.Add(-time.Second)
	c.receive(now, 0, response(RTE{Prefix: pB, Metric: 1}), PacketInfo{Src: netip.AddrPortFrom(llB, 521), Dst: AllRIPRouters(), HopLimit: 255})
	if c.table[pB] != nil {
		t.Error("import filter did not keep 2001:db8:b::/48 out")
	}
	out := c.update(c.ifaces[0], netip.AddrPortFrom(AllRIPRouters(), Port), c.sorted(), false)
	var m Message
	if len(out) != 1 || m.UnmarshalBinary(out[0].b) != nil || len(m.Entries) != 1 || m.Entries[0].Prefix != pA {
		t.Errorf("export filter: sent %+v, want only %v", m.Entries, pA)
	}
}
