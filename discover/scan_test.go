package discover

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
	"github.com/v6kit/v6kit/slaac"
)

var (
	ourMAC = v6frame.MAC{2, 0, 0, 0, 0, 1}
	ourLL  = netip.MustParseAddr("fe80::1")
	ourGUA = netip.MustParseAddr("2001:db8:1::1")
	ourULA = netip.MustParseAddr("fd00:1::1")
	a      = netip.MustParseAddr
)

func eui(mac v6frame.MAC, prefix string) netip.Addr {
	iid, _ := slaac.EUI64(mac.HardwareAddr())
	addr, _ := slaac.Addr(netip.PrefixFrom(a(prefix), 64), iid)
	return addr
}

// labHosts mirrors the interop lab with fake hosts.
func labHosts() []*fakeHost {
	rpi := v6frame.MAC{0xb8, 0x27, 0xeb, 0, 0, 2}
	xen := v6frame.MAC{0x00, 0x16, 0x3e, 0, 0, 3}
	tmp := v6frame.MAC{0x00, 0x16, 0x3e, 0, 0, 4}
	rnd := v6frame.MAC{0xda, 0xa1, 0x19, 0, 0, 5}
	rtr := v6frame.MAC{0x00, 0x16, 0x3e, 0, 0, 6}
	return []*fakeHost{
		{mac: rpi, addrs: []netip.Addr{eui(rpi, "fe80::"), eui(rpi, "2001:db8:1::"), eui(rpi, "fd00:1::")}},
		{mac: xen, addrs: []netip.Addr{eui(xen, "fe80::"), a("2001:db8:1::99")}, dropEcho: true},
		{mac: tmp, addrs: []netip.Addr{eui(tmp, "fe80::"), eui(tmp, "2001:db8:1::"), a("2001:db8:1::7e3:1111:2222:3333")},
			replyFrom: a("2001:db8:1::7e3:1111:2222:3333")},
		{mac: rnd, addrs: []netip.Addr{a("fe80::1234:5678:9abc:def0"), a("2001:db8:1::aaaa:bbbb:cccc:dddd")}, ignoreMcastEcho: true},
		{mac: rtr, addrs: []netip.Addr{a("fe80::ff"), a("2001:db8:1::ff")}, router: true, prefix: netip.MustParsePrefix("2001:db8:1::/64")},
	}
}

// The real-clock tests below run to their Timeout (Quiet: time.Hour), as
// a starved reader on a loaded machine must not end a scan early; the
// quiet end is tested on synctest's clock (events_test.go).
func TestScanMemLink(t *testing.T) {
	hs := labHosts()
	l := newMemLink(ourMAC, hs...)
	cache := []ndp.Neighbor{
		// A host that left lingers STALE: not reported (it was, "by neighbor").
		{Addr: a("fe80::ee"), MAC: net.HardwareAddr{0xb8, 0x27, 0xeb, 0, 0, 0xee}, State: ndp.StateStale},
		// A STALE entry of a host that answers adds the method.
		{Addr: hs[0].addrs[1], MAC: hs[0].mac.HardwareAddr(), State: ndp.StateStale},
		// A REACHABLE entry was confirmed moments ago: reported.
		{Addr: a("fe80::dd"), MAC: net.HardwareAddr{0xb8, 0x27, 0xeb, 0, 0, 0xdd}, State: ndp.StateReachable},
	}
	s, err := newScanner(l, memEnv(ourMAC, []netip.Addr{ourLL, ourGUA, ourULA}, cache), &Options{Timeout: 2 * time.Second, Quiet: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	start := time.Now()
	var first time.Duration
	byMAC := map[string]Host{}
	for h, err := range s.Scan(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		if first == 0 {
			first = time.Since(start)
		}
		byMAC[string(h.MAC)] = h
	}
	got := sortHosts(byMAC)
	if first > 1500*time.Millisecond {
		t.Errorf("first host after %v: results are not streamed", first)
	}
	const (
		echo = MethodEcho
		idst = MethodInvalidDst
		mld  = MethodMLD
		ns   = MethodNS
	)
	// Kinds as a neighbour tells them (slaac.Classify with the MAC and the
	// host's other addresses): the EUI-64s, low-byte manual addresses, the
	// opaque address beside an EUI-64 one in its /64 likely temporary, and
	// a randomised host's addresses opaque.
	const (
		eui64  = slaac.KindEUI64
		manual = slaac.KindManual
		likely = slaac.KindLikelyTemporary
		opaque = slaac.KindOpaque
	)
	addr := func(s string, m Method, k slaac.Kind) Addr { return Addr{Addr: a(s), Methods: m, Kind: k} }
	hw := func(m v6frame.MAC) net.HardwareAddr { return m.HardwareAddr() }
	want := []Host{
		{MAC: hw(hs[1].mac), Vendor: "Xensource, Inc.", Methods: idst | mld | ns, Addrs: []Addr{
			{Addr: hs[1].addrs[0], Methods: idst | mld | ns, Kind: eui64}, addr("2001:db8:1::99", idst, manual)}},
		{MAC: hw(hs[2].mac), Vendor: "Xensource, Inc.", Methods: echo | idst | mld | ns, Addrs: []Addr{
			{Addr: hs[2].addrs[0], Methods: echo | idst | mld | ns, Kind: eui64}, {Addr: hs[2].addrs[1], Methods: ns, Kind: eui64}, addr("2001:db8:1::7e3:1111:2222:3333", echo|idst, likely)}},
		// The router is never asked whether it routes (ns): its RA, come
		// before the rounds were over, told.
		{MAC: hw(hs[4].mac), Vendor: "Xensource, Inc.", Router: true, Methods: echo | idst | mld | MethodRA, Addrs: []Addr{
			addr("fe80::ff", echo|idst|mld|MethodRA, manual), addr("2001:db8:1::ff", echo|idst, manual)}},
		{MAC: net.HardwareAddr{0xb8, 0x27, 0xeb, 0, 0, 2}, Vendor: "Raspberry Pi Foundation", Methods: echo | idst | mld | ns | MethodNeighbor, Addrs: []Addr{
			{Addr: hs[0].addrs[0], Methods: echo | idst | mld | ns, Kind: eui64}, {Addr: hs[0].addrs[1], Methods: echo | idst | ns | MethodNeighbor, Kind: eui64}, {Addr: hs[0].addrs[2], Methods: echo | idst | ns, Kind: eui64}}},
		{MAC: net.HardwareAddr{0xb8, 0x27, 0xeb, 0, 0, 0xdd}, Vendor: "Raspberry Pi Foundation", Methods: MethodNeighbor, Addrs: []Addr{addr("fe80::dd", MethodNeighbor, manual)}},
		{MAC: hw(hs[3].mac), Vendor: LocallyAdministered, Methods: idst | mld | ns, Addrs: []Addr{
			addr("fe80::1234:5678:9abc:def0", idst|mld|ns, opaque), addr("2001:db8:1::aaaa:bbbb:cccc:dddd", idst, opaque)}},
	}
	if diff := cmp.Diff(want, got, cmp.Comparer(func(x, y netip.Addr) bool { return x == y }), cmpopts.IgnoreFields(Host{}, "RTT"), cmpopts.IgnoreFields(Addr{}, "RTT")); diff != "" {
		t.Errorf("hosts (-want +got):\n%s", diff)
	}
	for _, h := range got {
		if h.Methods&methodsActive != 0 && h.RTT <= 0 {
			t.Errorf("%v: no RTT", h.MAC)
		}
	}
}

// TestScanSurvivesDroppedSends: a frame the kernel drops for want of
// buffer space (a flooded bridge) is lost like on a lossy wire; the scan
// goes on and the repeated rounds still find every host.
func TestScanSurvivesDroppedSends(t *testing.T) {
	hs := labHosts()
	l := newMemLink(ourMAC, hs...)
	l.drop = 4 // the whole first round: MLD query, invalid-dst and echo from two sources
	s, err := newScanner(l, memEnv(ourMAC, []netip.Addr{ourLL, ourGUA}, nil), &Options{Timeout: 400 * time.Millisecond, Quiet: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.ScanAll(context.Background())
	if err != nil {
		t.Fatalf("ScanAll after dropped sends: %v", err)
	}
	seen := map[string]bool{}
	for _, h := range got {
		seen[string(h.MAC)] = true
	}
	for _, h := range hs {
		if !seen[string(h.mac.HardwareAddr())] {
			t.Errorf("host %v not found after the first round was dropped", h.mac.HardwareAddr())
		}
	}
}

func TestScanCancel(t *testing.T) {
	l := newMemLink(ourMAC, labHosts()...)
	s, err := newScanner(l, memEnv(ourMAC, []netip.Addr{ourLL, ourGUA}, nil), &Options{Timeout: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	n := 0
	var last error
	for _, err := range s.Scan(ctx) {
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
	// Breaking out of the loop stops the scan too.
	for range s.Scan(context.Background()) {
		break
	}
}

func TestScanRateBound(t *testing.T) {
	l := newMemLink(ourMAC, labHosts()...)
	s, err := newScanner(l, memEnv(ourMAC, []netip.Addr{ourLL, ourGUA, ourULA}, nil), &Options{Timeout: 100 * time.Millisecond, Rate: 50})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.ScanAll(context.Background()); err != nil {
		t.Fatal(err)
	}
	// burst 32, then 50/s for 0.1 s: at most 32+5 (+1 rounding).
	if l.sent > rateBurst+6 {
		t.Errorf("sent %d frames in 100 ms at rate 50, want ≤ %d", l.sent, rateBurst+6)
	}
}

// TestWatchMemLink: hosts join and leave; a joining host's addresses found
// later come as Added events, so that everything its departure lists was
// reported before; an address that goes silent comes as Removed; a STALE
// cache entry of a host that left never joins
// (Scan does not report it either).
func TestWatchMemLink(t *testing.T) {
	hs := labHosts()
	l := newMemLink(ourMAC, hs[0])
	gone := net.HardwareAddr{0xb8, 0x27, 0xeb, 0, 0, 0xee}
	cache := []ndp.Neighbor{{Addr: a("fe80::ee"), MAC: gone, State: ndp.StateStale}}
	s, err := newScanner(l, memEnv(ourMAC, []netip.Addr{ourLL, ourGUA, ourULA}, cache), &Options{Timeout: 500 * time.Millisecond, Quiet: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	var events []string
	reported := map[string][]netip.Addr{}
	var leftAddrs []netip.Addr
	for c, err := range s.Watch(ctx, &WatchOptions{Interval: 10 * time.Millisecond, Misses: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		mac := c.Host.MAC.String()
		if mac == gone.String() {
			t.Fatalf("%v %v: a STALE entry of a host that left", c.Kind, mac)
		}
		if c.Kind == Added || c.Kind == Joined {
			for _, a := range c.Addrs {
				reported[mac] = append(reported[mac], a.Addr)
			}
		}
		if c.Kind == Added {
			if len(c.Addrs) == 0 {
				t.Errorf("Added event without addresses")
			}
			continue
		}
		events = append(events, c.Kind.String()+" "+mac)
		switch len(events) {
		case 1:
			l.setHosts(hs[0], hs[1]) // a host joins
		case 2:
			l.setHosts(hs[1]) // and the first leaves
		case 3:
			for _, a := range c.Addrs {
				leftAddrs = append(leftAddrs, a.Addr)
			}
			// The second loses its global address.
			shrunk := *hs[1]
			shrunk.addrs = shrunk.addrs[:1]
			l.setHosts(&shrunk)
		case 4:
			if len(c.Addrs) != 1 || c.Addrs[0].Addr != hs[1].addrs[1] {
				t.Errorf("Removed %v, want [%v]", c.Addrs, hs[1].addrs[1])
			}
		}
		if len(events) == 4 {
			break
		}
	}
	want := []string{"joined " + hs[0].mac.String(), "joined " + hs[1].mac.String(), "left " + hs[0].mac.String(), "removed " + hs[1].mac.String()}
	if diff := cmp.Diff(want, events); diff != "" {
		t.Errorf("events (-want +got):\n%s", diff)
	}
	sortAddr := cmpopts.SortSlices(func(x, y netip.Addr) bool { return x.Less(y) })
	eq := cmp.Comparer(func(x, y netip.Addr) bool { return x == y })
	if diff := cmp.Diff(hs[0].addrs, leftAddrs, sortAddr, eq); diff != "" {
		t.Errorf("Left lists (-host's addresses +listed):\n%s", diff)
	}
	if diff := cmp.Diff(leftAddrs, reported[hs[0].mac.String()], sortAddr, eq); diff != "" {
		t.Errorf("Joined+Added reported (-listed on Left +reported):\n%s", diff)
	}
}

func TestOptionsOutOfRange(t *testing.T) {
	for _, o := range []Options{{Timeout: -1}, {Rate: -1}, {Methods: 1 << 12}} {
		if _, err := newScanner(newMemLink(ourMAC), memEnv(ourMAC, nil, nil), &o); err == nil {
			t.Errorf("newScanner(%+v): no error", o)
		}
	}
	if _, err := NewScanner(nil, nil); err == nil || err.Error() != "discover: nil interface" {
		t.Errorf("NewScanner(nil) = %v", err)
	}
	if _, err := ListenMDNS(nil); err == nil {
		t.Error("ListenMDNS(nil): no error")
	}
	s, _ := newScanner(newMemLink(ourMAC), memEnv(ourMAC, nil, nil), nil)
	for _, o := range []WatchOptions{{Interval: -1}, {Misses: -1}} {
		for _, err := range s.Watch(context.Background(), &o) {
			if err == nil {
				t.Errorf("Watch(%+v): a change, want an error", o)
			}
			break
		}
	}
}

func TestMethodNames(t *testing.T) {
	m := MethodEcho | MethodMLD | MethodPassive
	if got, want := m.String(), "echo,mld,passive"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
	if p, ok := ParseMethods("echo, mld,passive"); !ok || p != m {
		t.Errorf("ParseMethods = %v, %v", p, ok)
	}
	if _, ok := ParseMethods("echo,bogus"); ok {
		t.Error("ParseMethods accepted bogus")
	}
}

func BenchmarkScanMemLink(b *testing.B) {
	l := newMemLink(ourMAC, labHosts()...)
	s, err := newScanner(l, memEnv(ourMAC, []netip.Addr{ourLL, ourGUA, ourULA}, nil), &Options{Timeout: 20 * time.Millisecond})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.ScanAll(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
}

func FuzzClassify(f *testing.F) {
	own := map[netip.Addr]bool{ourLL: true, ourGUA: true}
	h := labHosts()[0]
	for _, probe := range []v6frame.Packet{
		{Src: ourLL, Dst: allNodes, HopLimit: 255, ICMP: []byte{128, 0, 0, 0, 0x12, 0x34, 0, 1}},
		{Src: ourGUA, Dst: allNodes, HopLimit: 255, DestOpts: v6frame.UnknownOption, ICMP: []byte{unknownICMPType, 0, 0, 0, 0x12, 0x34, 0, 0}},
		{Src: ourLL, Dst: allNodes, HopLimit: 1, HopByHop: v6frame.RouterAlertMLD, ICMP: make([]byte, 28)},
	} {
		if probe.ICMP[0] == 0 {
			probe.ICMP[0] = 130
		}
		b, _ := probe.Append(nil)
		for _, a := range h.answer(&probe, b[14:]) {
			a.SrcMAC = h.mac
			w, _ := a.Append(nil)
			f.Add(w)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var p v6frame.Packet
		if v6frame.Parse(b, &p) != nil {
			return
		}
		o, ok := classify(&p, 0x1234, own)
		if !ok {
			return
		}
		if len(o.mac) != 6 || o.m == 0 || o.m&(o.m-1) != 0 {
			t.Fatalf("classify = %+v: want a 6-byte MAC and exactly one method", o)
		}
		tb := newTable([]netip.Addr{ourLL, ourGUA}, nil, "")
		if h, _ := tb.observe(o.mac, o.addr, o.m, 0, o.router); h != nil {
			for _, a := range h.Addrs {
				if !usable(a.Addr) || own[a.Addr] {
					t.Fatalf("table kept %v", a.Addr)
				}
			}
		}
	})
}

func BenchmarkClassify(b *testing.B) {
	own := map[netip.Addr]bool{ourLL: true}
	p := v6frame.Packet{SrcMAC: v6frame.MAC{0xb8, 0x27, 0xeb, 0, 0, 2}, Src: a("fe80::2"), Dst: ourLL, HopLimit: 64, ICMP: []byte{129, 0, 0, 0, 0x12, 0x34, 0, 1}}
	frame, _ := p.Append(nil)
	b.ReportAllocs()
	for b.Loop() {
		var q v6frame.Packet
		if err := v6frame.Parse(frame, &q); err != nil {
			b.Fatal(err)
		}
		if _, ok := classify(&q, 0x1234, own); !ok {
			b.Fatal("not classified")
		}
	}
}

// TestProbeSeqRoundTrip: the answer to an echo or invalid-dst probe names
// the send it answers (its sequence number, quoted in a Parameter
// Problem), so that a round trip is timed from that send, not from the
// first round; a Parameter Problem quoting another scan's identifier is
// not ours; a quote cut short still classifies, without a seq.
func TestProbeSeqRoundTrip(t *testing.T) {
	own := map[netip.Addr]bool{ourLL: true, ourGUA: true}
	h := labHosts()[0]
	for _, seq := range []uint16{1, 0x1234, 0xffff} {
		for _, probe := range []v6frame.Packet{
			{SrcMAC: ourMAC, DstMAC: v6frame.MulticastMAC(allNodes), Src: ourGUA, Dst: allNodes, HopLimit: 255, ICMP: echoRequest(0x1234, seq)},
			{SrcMAC: ourMAC, DstMAC: v6frame.MulticastMAC(allNodes), Src: ourGUA, Dst: allNodes, HopLimit: 255, DestOpts: v6frame.UnknownOption, ICMP: unknownTypeMessage(0x1234, seq)},
		} {
			b, err := probe.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			answers := h.answer(&probe, b[14:])
			if len(answers) != 1 {
				t.Fatalf("fake host gave %d answers to %v", len(answers), probe.ICMP[0])
			}
			a := answers[0]
			a.SrcMAC, a.DstMAC = h.mac, ourMAC
			w, err := a.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			var p v6frame.Packet
			if err := v6frame.Parse(w, &p); err != nil {
				t.Fatal(err)
			}
			o, ok := classify(&p, 0x1234, own)
			if !ok || o.key.seq != seq || o.key.src != ourGUA {
				t.Errorf("probe type %d seq %#x: classify = %+v, %v; want the key {src %v, seq %#x}", probe.ICMP[0], seq, o.key, ok, ourGUA, seq)
			}
			if p.ICMP[0] != icmpParamProblem {
				continue
			}
			// Another scan's probe (another identifier): not ours.
			other := probe
			other.ICMP = unknownTypeMessage(0x9999, seq)
			ob, _ := other.Append(nil)
			oa := h.answer(&other, ob[14:])[0]
			oa.SrcMAC, oa.DstMAC = h.mac, ourMAC
			ow, _ := oa.Append(nil)
			var op v6frame.Packet
			if err := v6frame.Parse(ow, &op); err != nil {
				t.Fatal(err)
			}
			if o, ok := classify(&op, 0x1234, own); ok {
				t.Errorf("Parameter Problem quoting identifier 0x9999 classified as ours: %+v", o.key)
			}
			// A quote cut short after the IPv6 header: still ours, no seq.
			p.ICMP = p.ICMP[:paramProblemHeaderLen+ipv6HeaderLen+4]
			if o, ok := classify(&p, 0x1234, own); !ok || o.key.seq != 0 {
				t.Errorf("truncated quote: classify = %+v, %v; want an invalid-dst answer without a seq", o.key, ok)
			}
		}
	}
}
