package ripng

import (
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"
	"time"
)

// sim runs cores on a virtual clock: links deliver packets at once, time
// jumps from one timer to the next. Nothing sleeps, everything is
// deterministic.
type sim struct {
	t     *testing.T
	now   time.Time
	nodes []*simNode
	// sent records every packet sent, for assertions.
	sent []simPkt
}

type simNode struct {
	name  string
	c     *core
	links []string // per interface: the link it is on
	lls   []netip.Addr
	down  bool
}

type simPkt struct {
	at   time.Time
	from string
	ifi  int
	dst  netip.AddrPort
	msg  Message
}

func newSim(t *testing.T) *sim {
	return &sim{t: t, now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
}

// node adds a speaker; ifs are "link:fe80::x" pairs.
func (s *sim) node(name string, cfg Config, ifs ...string) *simNode {
	n := &simNode{name: name}
	var ics []ifaceConf
	for i, spec := range ifs {
		var link, ll string
		for j := range spec {
			if spec[j] == ':' {
				link, ll = spec[:j], spec[j+1:]
				break
			}
		}
		a := netip.MustParseAddr(ll)
		n.links = append(n.links, link)
		n.lls = append(n.lls, a)
		ics = append(ics, ifaceConf{name: "eth" + string(rune('0'+i)), cost: 1, ll: a, mtu: 1500})
	}
	cfg = simConfig(s.t, cfg, uint64(len(s.nodes)+1))
	n.c = newCore(cfg, ics)
	s.nodes = append(s.nodes, n)
	return n
}

// simConfig is cfg with the speaker's defaults and a deterministic Rand.
func simConfig(t testing.TB, cfg Config, seed uint64) Config {
	t.Helper()
	cfg.Rand = rand.NewChaCha8([32]byte{byte(seed)})
	cfg, err := cfg.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func (s *sim) start(n *simNode) { s.deliver(n, n.c.start(s.now)) }

// deliver hands n's packets to the other nodes on the same link.
func (s *sim) deliver(from *simNode, out []outPkt) {
	for _, p := range out {
		var m Message
		if err := m.UnmarshalBinary(p.b); err != nil {
			s.t.Fatalf("%s sent a bad packet: %v", from.name, err)
		}
		s.sent = append(s.sent, simPkt{at: s.now, from: from.name, ifi: p.ifi, dst: p.dst, msg: m})
		link := from.links[p.ifi]
		for _, to := range s.nodes {
			if to == from || to.down {
				continue
			}
			for i, l := range to.links {
				if l != link || (!p.dst.Addr().IsMulticast() && p.dst.Addr() != to.lls[i]) {
					continue
				}
				pi := PacketInfo{Src: netip.AddrPortFrom(from.lls[p.ifi], Port), Dst: p.dst.Addr(), HopLimit: 255}
				s.deliver(to, to.c.receive(s.now, i, p.b, pi))
			}
		}
	}
}

// run advances the virtual clock by d, firing every timer on the way.
func (s *sim) run(d time.Duration) {
	end := s.now.Add(d)
	for {
		var next *simNode
		for _, n := range s.nodes {
			if n.down || !n.c.started {
				continue
			}
			if next == nil || n.c.next().Before(next.c.next()) {
				next = n
			}
		}
		if next == nil || next.c.next().After(end) {
			s.now = end
			return
		}
		if t := next.c.next(); t.After(s.now) {
			s.now = t
		}
		s.deliver(next, next.c.tick(s.now))
		for _, n := range s.nodes {
			n.c.checkInvariants(s.t)
		}
	}
}

// checkInvariants compares the core's indexes with a scan of its table:
// the deadline heap holds exactly the routes with a timer, its top is the
// earliest, the sorted order is sorted, the changed list holds every
// changed route, and the learned routes are counted.
func (c *core) checkInvariants(t *testing.T) {
	t.Helper()
	var timers, nrip int
	var earliest time.Time
	for _, e := range c.table {
		if !e.static {
			nrip++
		}
		if d := e.deadline(); !d.IsZero() {
			timers++
			if e.hidx < 0 || e.hidx >= len(c.deadlines) || c.deadlines[e.hidx] != e {
				t.Fatalf("%v has a timer at %v but is not in the heap", e.prefix, d)
			}
			if earliest.IsZero() || d.Before(earliest) {
				earliest = d
			}
		} else if e.hidx >= 0 {
			t.Fatalf("%v has no timer but is in the heap", e.prefix)
		}
		if e.changed && !slices.Contains(c.changed, e) {
			t.Fatalf("%v changed but not listed", e.prefix)
		}
	}
	if timers != len(c.deadlines) {
		t.Fatalf("%d routes with timers, %d in the heap", timers, len(c.deadlines))
	}
	if timers > 0 && !c.deadlines[0].deadline().Equal(earliest) {
		t.Fatalf("heap top %v, earliest deadline %v", c.deadlines[0].deadline(), earliest)
	}
	if nrip != c.nrip {
		t.Fatalf("%d learned routes, counted %d", nrip, c.nrip)
	}
	if es := c.sorted(); len(es) != len(c.table) || !slices.IsSortedFunc(es, func(a, b *entry) int { return a.prefix.Addr().Compare(b.prefix.Addr()) }) {
		t.Fatalf("sorted() has %d entries of %d, or is not sorted", len(es), len(c.table))
	}
}

func (n *simNode) route(p string) *entry { return n.c.table[netip.MustParsePrefix(p)] }

var (
	llA = netip.MustParseAddr("fe80::a")
	llB = netip.MustParseAddr("fe80::b")
	pA  = netip.MustParsePrefix("2001:db8:a::/48")
)

func TestSimTwoSpeakersLearnAtStart(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA, Tag: 0x77}}}, "ab:fe80::a")
	b := s.node("b", Config{Announce: []Route{{Prefix: netip.MustParsePrefix("2001:db8:b::/48"), Metric: 3}}}, "ab:fe80::b")
	s.start(a)
	s.start(b)
	// No time passes: the start-up request/response exchange suffices.
	r := b.route("2001:db8:a::/48")
	if r == nil || r.metric != 2 || r.tag != 0x77 || r.nexthop != llA || r.from != llA {
		t.Fatalf("b's route to a = %+v, want metric 2 tag 0x77 via fe80::a", r)
	}
	r = a.route("2001:db8:b::/48")
	if r == nil || r.metric != 4 || r.nexthop != llB {
		t.Fatalf("a's route to b = %+v, want metric 4 via fe80::b", r)
	}
	// Routes stay for hours of periodic updates.
	s.run(2 * time.Hour)
	if r := b.route("2001:db8:a::/48"); r == nil || r.metric != 2 {
		t.Fatalf("after 2 h b's route = %+v", r)
	}
	st := b.c.stats
	if st.BadPackets != 0 || st.BadRoutes != 0 || st.PeriodicUpdates < 200 {
		t.Errorf("b's stats = %+v", st)
	}
}

func TestSimPeriodicJitter(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA}}}, "ab:fe80::a")
	s.start(a)
	s.run(time.Hour)
	var last time.Time
	n := 0
	for _, p := range s.sent {
		if p.msg.Command != Response || p.at.Equal(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) {
			continue
		}
		if !last.IsZero() {
			if gap := p.at.Sub(last); gap < 25*time.Second || gap > 35*time.Second {
				t.Errorf("periodic updates %v apart, want 30 s ± 5 s", gap)
			}
		}
		last = p.at
		n++
	}
	if n < 100 {
		t.Errorf("%d periodic updates in an hour, want about 120", n)
	}
}

// chain builds a—b—c over two links; b has two interfaces.
func chain(t *testing.T, sh SplitHorizon) (*sim, *simNode, *simNode, *simNode) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA, Tag: 5}}, SplitHorizon: sh}, "ab:fe80::a")
	b := s.node("b", Config{SplitHorizon: sh, Announce: []Route{{Prefix: netip.MustParsePrefix("2001:db8:b::/48")}}}, "ab:fe80::b", "bc:fe80::b")
	c := s.node("c", Config{SplitHorizon: sh}, "bc:fe80::c")
	s.start(a)
	s.start(b)
	s.start(c)
	s.run(10 * time.Second)
	return s, a, b, c
}

func TestSimChainAndSplitHorizon(t *testing.T) {
	tests := []struct {
		name string
		sh   SplitHorizon
		// what b advertises for pA back towards a: metric, or 0 for absent
		back uint8
	}{
		{"poisoned reverse", SplitHorizonPoisonedReverse, 16},
		{"simple", SplitHorizonSimple, 0},
		{"none", SplitHorizonNone, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _, b, c := chain(t, tt.sh)
			if r := c.route(pA.String()); r == nil || r.metric != 3 || r.tag != 5 || r.nexthop != llB {
				t.Fatalf("c's route = %+v, want metric 3 tag 5 via fe80::b", r)
			}
			s.sent = nil
			s.run(40 * time.Second) // at least one periodic update
			var got uint8
			var seen bool
			for _, p := range s.sent {
				if p.from != "b" || p.ifi != 0 || p.msg.Command != Response {
					continue
				}
				seen = true
				for _, e := range p.msg.Entries {
					if e.Prefix == pA {
						got = e.Metric
					}
				}
			}
			if !seen {
				t.Fatal("b sent nothing towards a")
			}
			if got != tt.back {
				t.Errorf("b advertised %v back to a with metric %d, want %d", pA, got, tt.back)
			}
			_ = b
		})
	}
}

func TestSimWithdrawAndTimeout(t *testing.T) {
	s, a, b, c := chain(t, SplitHorizonPoisonedReverse)
	s.sent = nil
	start := s.now
	if !a.c.withdraw(s.now, pA) {
		t.Fatal("withdraw of an announced route failed")
	}
	// The withdrawal ripples down the chain within the triggered bound.
	var reachedC time.Time
	for range 100 {
		s.run(100 * time.Millisecond)
		if r := c.route(pA.String()); r != nil && r.metric == Infinity {
			reachedC = s.now
			break
		}
	}
	if reachedC.IsZero() || reachedC.Sub(start) > 10*time.Second {
		t.Fatalf("c did not see the withdrawal as metric 16 within 2 triggered updates (%v)", reachedC.Sub(start))
	}
	if r := b.route(pA.String()); r == nil || r.metric != Infinity {
		t.Fatalf("b's route after withdrawal = %+v", r)
	}
	// Garbage collection removes it after 120 s.
	s.run(125 * time.Second)
	if r := c.route(pA.String()); r != nil {
		t.Errorf("c still has %+v after garbage collection", r)
	}

	// A silent neighbour's routes time out after 180 s.
	a.c.announce(s.now, Route{Prefix: pA})
	s.deliver(a, a.c.tick(s.now))
	s.run(10 * time.Second)
	if r := b.route(pA.String()); r == nil || r.metric != 2 {
		t.Fatalf("re-announced route at b = %+v", r)
	}
	a.down = true
	var last time.Time
	for _, p := range s.sent {
		if p.from == "a" {
			last = p.at
		}
	}
	s.run(last.Add(179 * time.Second).Sub(s.now))
	if r := b.route(pA.String()); r == nil || r.metric != 2 {
		t.Fatalf("route at b 179 s after a's last update = %+v, want still metric 2", r)
	}
	s.run(2 * time.Second)
	if r := b.route(pA.String()); r == nil || r.metric != Infinity {
		t.Fatalf("route at b 181 s after a's last update = %+v, want metric 16", r)
	}
	s.run(125 * time.Second)
	if r := b.route(pA.String()); r != nil {
		t.Fatalf("route at b after timeout + GC = %+v, want gone", r)
	}
	if b.c.stats.Timeouts == 0 {
		t.Error("no timeout counted")
	}
}

func TestSimTriggeredRateLimit(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{}, "ab:fe80::a")
	b := s.node("b", Config{}, "ab:fe80::b")
	s.start(a)
	s.start(b)
	s.run(time.Second)
	s.sent = nil
	var times []time.Time
	for i := range 5 {
		a.c.announce(s.now, Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 5: byte(i)}), 48)})
		s.run(200 * time.Millisecond)
	}
	s.run(10 * time.Second)
	for _, p := range s.sent {
		if p.from == "a" && p.msg.Command == Response {
			times = append(times, p.at)
		}
	}
	if len(times) < 2 || len(times) > 3 {
		t.Fatalf("a sent %d triggered updates for 5 changes in 1 s, want 2 or 3", len(times))
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < time.Second || gap > 5*time.Second {
			t.Errorf("triggered updates %v apart, want 1–5 s", gap)
		}
	}
	if n := len(b.c.table); n != 5 {
		t.Errorf("b learned %d routes, want 5", n)
	}
}

func TestSimStaticNextHop(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA, NextHop: netip.MustParseAddr("fe80::99%eth0")}}}, "ab:fe80::a")
	b := s.node("b", Config{}, "ab:fe80::b")
	s.start(a)
	s.start(b)
	if r := b.route(pA.String()); r == nil || r.nexthop != netip.MustParseAddr("fe80::99") || r.from != llA {
		t.Fatalf("b's route = %+v, want via fe80::99 from fe80::a", r)
	}
}

func TestSimShutdownPoisons(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA}}}, "ab:fe80::a")
	b := s.node("b", Config{}, "ab:fe80::b")
	s.start(a)
	s.start(b)
	s.deliver(a, a.c.shutdown())
	if r := b.route(pA.String()); r == nil || r.metric != Infinity {
		t.Fatalf("after a's shutdown b's route = %+v, want metric 16", r)
	}
}

func TestSimLargeTable(t *testing.T) {
	var routes []Route
	for i := range 200 {
		routes = append(routes, Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i)}), 40), Tag: uint16(i)})
	}
	s := newSim(t)
	a := s.node("a", Config{Announce: routes}, "ab:fe80::a")
	b := s.node("b", Config{}, "ab:fe80::b")
	s.start(b)
	s.start(a)
	if n := len(b.c.table); n != 200 {
		t.Fatalf("b learned %d routes, want 200", n)
	}
	var sizes []int
	for _, p := range s.sent {
		if p.from == "a" && p.msg.Command == Response {
			sizes = append(sizes, len(p.msg.Entries))
		}
	}
	if !slices.Equal(sizes, []int{72, 72, 56}) {
		t.Errorf("a's packets carried %v entries, want [72 72 56]", sizes)
	}
}

func TestSimRouteLimit(t *testing.T) {
	var routes []Route
	for i := range 300 {
		routes = append(routes, Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i >> 8), 5: byte(i)}), 48)})
	}
	s := newSim(t)
	a := s.node("a", Config{Announce: routes}, "ab:fe80::a")
	b := s.node("b", Config{RouteLimit: 100}, "ab:fe80::b")
	s.start(b)
	s.start(a)
	s.run(time.Minute)
	if n := len(b.c.table); n != 100 {
		t.Errorf("b holds %d routes, want the limit of 100", n)
	}
	if b.c.stats.RouteLimitDrops == 0 {
		t.Error("no route-limit drops counted")
	}
}

func TestSimInterfaceDownUp(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA}}}, "ab:fe80::a")
	b := s.node("b", Config{}, "ab:fe80::b")
	s.start(a)
	s.start(b)
	if r := b.route(pA.String()); r == nil || r.metric != 2 {
		t.Fatalf("b's route = %+v", r)
	}
	b.c.setUp(s.now, "eth0", false)
	if r := b.route(pA.String()); r == nil || r.metric != Infinity {
		t.Fatalf("after eth0 down b's route = %+v, want metric 16", r)
	}
	s.sent = nil
	s.deliver(b, b.c.setUp(s.now, "eth0", true))
	if len(s.sent) == 0 || !s.sent[0].msg.IsWholeTableRequest() {
		t.Fatalf("eth0 up did not start with a whole-table request: %+v", s.sent)
	}
	if r := b.route(pA.String()); r == nil || r.metric != 2 {
		t.Fatalf("after eth0 up b's route = %+v, want metric 2 again at once", r)
	}
}

func TestSimStaticWinsUntilWithdrawn(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA, Metric: 5}}}, "ab:fe80::a")
	b := s.node("b", Config{Announce: []Route{{Prefix: pA, Metric: 1}}}, "ab:fe80::b")
	s.start(a)
	s.start(b)
	if r := a.route(pA.String()); r == nil || !r.static || r.metric != 5 {
		t.Fatalf("a's own route = %+v, want its static metric 5", r)
	}
	a.c.withdraw(s.now, pA)
	s.run(40 * time.Second)
	if r := a.route(pA.String()); r == nil || r.static || r.metric != 2 || r.from != llB {
		t.Fatalf("after withdrawing its own, a's route = %+v, want b's at metric 2", r)
	}
	if a.c.nrip != 1 {
		t.Errorf("a counts %d learned routes, want 1", a.c.nrip)
	}
}

func TestSimNeighborsExpire(t *testing.T) {
	s := newSim(t)
	a := s.node("a", Config{Announce: []Route{{Prefix: pA}}}, "ab:fe80::a")
	b := s.node("b", Config{}, "ab:fe80::b")
	s.start(a)
	s.start(b)
	if len(b.c.ifaces[0].neighbors) != 1 {
		t.Fatalf("b's neighbours: %v", b.c.ifaces[0].neighbors)
	}
	a.down = true
	s.run(301 * time.Second) // timeout + garbage collection
	if r := b.route(pA.String()); r != nil {
		t.Fatalf("route still there: %+v", r)
	}
	s.run(time.Minute)
	if n := len(b.c.ifaces[0].neighbors); n != 0 {
		t.Errorf("b still lists %d neighbours after a went silent", n)
	}
}
