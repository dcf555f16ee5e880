package ripng

import (
	"net/netip"
	"testing"
	"time"
)

// benchCore returns a core on one interface that has learned n routes from
// one neighbour, at now.
func benchCore(b *testing.B, n int) (*core, time.Time) {
	c := newTestCore(b, Config{})
	// Nothing times out and no periodic update falls due unless a
	// benchmark says so: each one measures one kind of work.
	c.cfg.Timeout, c.cfg.GarbageCollection = 10000*time.Hour, 10000*time.Hour
	c.cfg.UpdateInterval, c.cfg.UpdateJitter = 10000*time.Hour, time.Hour
	c.cfg.RouteLimit = 2 * n
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	c.start(now)
	var routes []Route
	for i := range n {
		routes = append(routes, Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i >> 8), 5: byte(i)}), 48), Metric: 1})
	}
	msgs, err := Packetize(routes, 1500)
	if err != nil {
		b.Fatal(err)
	}
	pi := PacketInfo{Src: netip.AddrPortFrom(llB, Port), Dst: AllRIPRouters(), HopLimit: 255}
	for i := range msgs {
		p, _ := msgs[i].MarshalBinary()
		c.receive(now, 0, p, pi)
	}
	if len(c.table) != n {
		b.Fatalf("learned %d routes, want %d", len(c.table), n)
	}
	return c, now
}

// BenchmarkCoreIdle10k is the speaker's loop between events with 10,000
// routes: run the timers due, then ask when to wake next.
func BenchmarkCoreIdle10k(b *testing.B) {
	c, now := benchCore(b, 10000)
	c.tick(now.Add(time.Minute)) // the start-up triggered update
	now = now.Add(time.Minute)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(time.Millisecond)
		c.tick(now)
		_ = c.next()
	}
}

// BenchmarkCoreTriggered10k is one changed route among 10,000: receive
// the change, then send the triggered update.
func BenchmarkCoreTriggered10k(b *testing.B) {
	c, now := benchCore(b, 10000)
	pi := PacketInfo{Src: netip.AddrPortFrom(llB, Port), Dst: AllRIPRouters(), HopLimit: 255}
	p := netip.MustParsePrefix("2001:db8:0:5::/64")
	metric := uint8(1)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(10 * time.Second)
		metric = metric%14 + 1
		m := Message{Command: Response, Entries: []RTE{{Prefix: p, Metric: metric}}}
		pkt, _ := m.MarshalBinary()
		c.receive(now, 0, pkt, pi)
		c.tick(now)
		_ = c.next()
	}
	b.ReportMetric(float64(c.stats.TriggeredUpdates)/float64(b.N), "updates/op")
}

// BenchmarkCorePeriodic10k is a periodic update of 10,000 routes.
func BenchmarkCorePeriodic10k(b *testing.B) {
	c, now := benchCore(b, 10000)
	b.ReportAllocs()
	for b.Loop() {
		now = now.Add(30 * time.Second)
		c.nextPeriodic = now
		c.tick(now)
	}
}
