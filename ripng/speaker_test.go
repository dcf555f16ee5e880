package ripng

import (
	"context"
	"errors"
	"net/netip"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"
)

// memLink is an in-memory link: multicast reaches every other conn,
// unicast the conn with that address.
type memLink struct {
	mu    sync.Mutex
	conns []*memConn
}

type memPkt struct {
	b  []byte
	pi PacketInfo
}

type memConn struct {
	link   *memLink
	ll     netip.Addr
	in     chan memPkt
	closed chan struct{}
	once   sync.Once
}

func (l *memLink) conn(ll netip.Addr) *memConn {
	c := &memConn{link: l, ll: ll, in: make(chan memPkt, 256), closed: make(chan struct{})}
	l.mu.Lock()
	l.conns = append(l.conns, c)
	l.mu.Unlock()
	return c
}

func (c *memConn) ReadPacket(b []byte) (int, PacketInfo, error) {
	select {
	case p := <-c.in:
		return copy(b, p.b), p.pi, nil
	case <-c.closed:
		return 0, PacketInfo{}, errors.New("closed")
	}
}

func (c *memConn) WritePacket(b []byte, dst netip.AddrPort) error {
	select {
	case <-c.closed:
		return errors.New("closed")
	default:
	}
	c.link.mu.Lock()
	defer c.link.mu.Unlock()
	for _, o := range c.link.conns {
		if o == c || (!dst.Addr().IsMulticast() && dst.Addr() != o.ll) {
			continue
		}
		select {
		case o.in <- memPkt{b: append([]byte(nil), b...), pi: PacketInfo{Src: netip.AddrPortFrom(c.ll, Port), Dst: dst.Addr(), HopLimit: 255}}:
		default:
		}
	}
	return nil
}

func (c *memConn) Close() error {
	c.once.Do(func() { close(c.closed) })
	return nil
}

// fakeClock fires timers only when Advance moves it past them.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	at      time.Time
	c       chan time.Time
	stopped bool
}

func (f *fakeClock) Now() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.now
}

func (f *fakeClock) NewTimer(d time.Duration) (<-chan time.Time, func() bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	t := &fakeTimer{at: f.now.Add(d), c: make(chan time.Time, 1)}
	if d <= 0 {
		t.c <- f.now
		return t.c, func() bool { return false }
	}
	f.timers = append(f.timers, t)
	return t.c, func() bool {
		f.mu.Lock()
		defer f.mu.Unlock()
		was := !t.stopped
		t.stopped = true
		return was
	}
}

func (f *fakeClock) Advance(d time.Duration) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.now = f.now.Add(d)
	kept := f.timers[:0]
	for _, t := range f.timers {
		switch {
		case t.stopped:
		case !t.at.After(f.now):
			t.c <- f.now
		default:
			kept = append(kept, t)
		}
	}
	f.timers = kept
}

// eventually polls cond (advancing clk by step each time, if set) until it
// holds or 30 s of real time pass.
func eventually(t *testing.T, clk *fakeClock, step time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		if clk != nil {
			clk.Advance(step)
		}
		time.Sleep(time.Millisecond)
	}
}

func routeOf(s *Speaker, p netip.Prefix) (RouteInfo, bool) {
	for _, r := range s.Routes() {
		if r.Prefix == p {
			return r, true
		}
	}
	return RouteInfo{}, false
}

// recSync records route sync calls: the set of installed prefixes.
type recSync struct {
	mu  sync.Mutex
	set map[netip.Prefix]RouteInfo
	ops int
}

func (r *recSync) Add(ri RouteInfo) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.set[ri.Prefix] = ri
	r.ops++
	return nil
}

func (r *recSync) Delete(ri RouteInfo) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	delete(r.set, ri.Prefix)
	r.ops++
	return nil
}

func (r *recSync) get(p netip.Prefix) (RouteInfo, bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ri, ok := r.set[p]
	return ri, ok
}

func TestSpeakerRunOverMemLink(t *testing.T) {
	defer goleak.VerifyNone(t)
	clk := &fakeClock{now: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	link := &memLink{}
	pB := netip.MustParsePrefix("2001:db8:b::/48")
	a, err := NewSpeaker(Config{
		Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA}},
		Announce:   []Route{{Prefix: pA, Tag: 42}},
		Clock:      clk,
	})
	if err != nil {
		t.Fatal(err)
	}
	rs := &recSync{set: map[netip.Prefix]RouteInfo{}}
	b, err := NewSpeaker(Config{
		Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llB), LinkLocal: llB, Cost: 2}},
		Announce:   []Route{{Prefix: pB}},
		Clock:      clk,
		RouteSync:  rs,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctxA, cancelA := context.WithCancel(context.Background())
	ctxB, cancelB := context.WithCancel(context.Background())
	defer cancelA()
	defer cancelB()
	errA, errB := make(chan error, 1), make(chan error, 1)
	go func() { errA <- a.Run(ctxA) }()
	go func() { errB <- b.Run(ctxB) }()

	eventually(t, nil, 0, "b to learn a's route and a b's", func() bool {
		r, ok := routeOf(b, pA)
		r2, ok2 := routeOf(a, pB)
		return ok && r.Metric == 3 && r.Tag == 42 && r.NextHop == llA && ok2 && r2.Metric == 2
	})
	eventually(t, nil, 0, "b to install a's route", func() bool {
		ri, ok := rs.get(pA)
		return ok && ri.NextHop == llA && ri.Metric == 3 && ri.Interface == "eth0"
	})
	if _, ok := rs.get(pB); ok {
		t.Error("b installed its own static route")
	}
	// Hours of virtual time: periodic updates keep the routes alive.
	eventually(t, clk, 7*time.Second, "3 virtual hours", func() bool { return clk.Now().Sub(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)) > 3*time.Hour })
	eventually(t, nil, 0, "b to keep a's route", func() bool { r, ok := routeOf(b, pA); return ok && r.Metric == 3 })
	if st := b.Stats(); st.PeriodicUpdates < 300 || st.BadPackets != 0 {
		t.Errorf("b's stats after 3 h = %+v", st)
	}
	ns := b.Neighbors()
	if len(ns) != 1 || ns[0].Addr != llA || ns[0].Routes != 1 || ns[0].BadPackets != 0 {
		t.Errorf("b's neighbours = %+v", ns)
	}
	if is := b.Interfaces(); len(is) != 1 || is[0].Neighbors != 1 || is[0].Cost != 2 || !is[0].Up {
		t.Errorf("b's interfaces = %+v", is)
	}

	// A withdrawal reaches b as metric 16 in a triggered update.
	if !a.Withdraw(pA) {
		t.Fatal("Withdraw returned false")
	}
	eventually(t, clk, 100*time.Millisecond, "b to see the withdrawal", func() bool { r, ok := routeOf(b, pA); return ok && r.Metric == Infinity })
	eventually(t, nil, 0, "b to uninstall a's route", func() bool { _, ok := rs.get(pA); return !ok })

	// a's shutdown poisons its routes at b at once.
	cancelA()
	if err := <-errA; err != nil {
		t.Errorf("a.Run = %v", err)
	}
	eventually(t, nil, 0, "a's final update", func() bool {
		_, has := routeOf(b, netip.MustParsePrefix("2001:db8:b::/48"))
		r, _ := routeOf(b, pA)
		return has && r.Metric == Infinity
	})
	cancelB()
	if err := <-errB; err != nil {
		t.Errorf("b.Run = %v", err)
	}
}

func TestNewSpeakerRejects(t *testing.T) {
	link := &memLink{}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no interfaces", Config{}},
		{"no link-local", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: netip.MustParseAddr("2001:db8::1")}}}},
		{"cost 16", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA, Cost: 16}}}},
		{"bad announce", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA}}, Announce: []Route{{Prefix: netip.MustParsePrefix("2001:db8::1/32")}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewSpeaker(tt.cfg); !errors.Is(err, ErrConfig) {
				t.Errorf("NewSpeaker = %v, want ErrConfig", err)
			}
		})
	}
}
