package ripng

import (
	"context"
	"errors"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
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
	closed chan struct{} // closed by the read deadline
	once   sync.Once
	timer  *time.Timer
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
		return 0, PacketInfo{}, os.ErrDeadlineExceeded
	}
}

func (c *memConn) WritePacket(b []byte, dst netip.AddrPort) error {
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

// SetReadDeadline ends reads at t (for good: the speaker sets it once,
// to stop).
func (c *memConn) SetReadDeadline(t time.Time) error {
	end := func() { c.once.Do(func() { close(c.closed) }) }
	if d := time.Until(t); d > 0 {
		c.timer = time.AfterFunc(d, end)
	} else {
		end()
	}
	return nil
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

// TestSpeakerRunOverMemLink runs two speakers' goroutine shells on a fake
// clock (testing/synctest): hours pass in an instant, and synctest.Wait
// returns once every goroutine is blocked, so nothing polls or sleeps.
func TestSpeakerRunOverMemLink(t *testing.T) {
	defer goleak.VerifyNone(t)
	synctest.Test(t, func(t *testing.T) {
		start := time.Now()
		link := &memLink{}
		pB := netip.MustParsePrefix("2001:db8:b::/48")
		connA, connB := link.conn(llA), link.conn(llB)
		a, err := NewSpeaker(Config{
			Interfaces: []Interface{{Name: "eth0", Conn: connA, LinkLocal: llA}},
			Announce:   []Route{{Prefix: pA, Tag: 42}},
		})
		if err != nil {
			t.Fatal(err)
		}
		rs := &recSync{set: map[netip.Prefix]RouteInfo{}}
		b, err := NewSpeaker(Config{
			Interfaces: []Interface{{Name: "eth0", Conn: connB, LinkLocal: llB, Cost: 2}},
			Announce:   []Route{{Prefix: pB}},
			RouteSync:  rs,
		})
		if err != nil {
			t.Fatal(err)
		}
		ctxA, cancelA := context.WithCancel(t.Context())
		ctxB, cancelB := context.WithCancel(t.Context())
		defer cancelA()
		defer cancelB()
		errA, errB := make(chan error, 1), make(chan error, 1)
		go func() { errA <- a.Run(ctxA) }()
		go func() { errB <- b.Run(ctxB) }()

		synctest.Wait()
		if r, ok := routeOf(b, pA); !ok || r.Metric != 3 || r.Tag != 42 || r.NextHop != llA {
			t.Fatalf("b's route to a = %+v, %v; want metric 3 tag 42 via %v at once", r, ok, llA)
		}
		if r, ok := routeOf(a, pB); !ok || r.Metric != 2 {
			t.Fatalf("a's route to b = %+v, %v", r, ok)
		}
		if ri, ok := rs.get(pA); !ok || ri.NextHop != llA || ri.Metric != 3 || ri.Interface != "eth0" {
			t.Errorf("b installed %+v, %v", ri, ok)
		}
		if _, ok := rs.get(pB); ok {
			t.Error("b installed its own static route")
		}
		if err := a.Run(ctxA); err == nil {
			t.Error("a second Run returned nil")
		}

		// Three hours: periodic updates keep the routes alive.
		time.Sleep(3 * time.Hour)
		synctest.Wait()
		if r, ok := routeOf(b, pA); !ok || r.Metric != 3 {
			t.Errorf("after 3 h b's route to a = %+v, %v", r, ok)
		}
		if st := b.Stats(); st.PeriodicUpdates < 300 || st.BadPackets != 0 || st.Timeouts != 0 {
			t.Errorf("b's stats after 3 h = %+v", st)
		}
		ns := b.Neighbors()
		if len(ns) != 1 || ns[0].Addr != llA || ns[0].Routes != 1 || ns[0].BadPackets != 0 {
			t.Errorf("b's neighbours = %+v", ns)
		}
		if is := b.Interfaces(); len(is) != 1 || is[0].Neighbors != 1 || is[0].Cost != 2 || !is[0].Up {
			t.Errorf("b's interfaces = %+v", is)
		}

		// A withdrawal reaches b as metric 16 in a triggered update,
		// within the triggered-update hold (at most 5 s).
		if !a.Withdraw(pA) {
			t.Fatal("Withdraw returned false")
		}
		time.Sleep(5 * time.Second)
		synctest.Wait()
		if r, ok := routeOf(b, pA); !ok || r.Metric != Infinity {
			t.Errorf("5 s after the withdrawal b's route = %+v, %v; want metric 16", r, ok)
		}
		if _, ok := rs.get(pA); ok {
			t.Error("b kept a's withdrawn route installed")
		}

		// a's shutdown poisons its routes at b at once, and a does not
		// close the conn it was given.
		cancelA()
		if err := <-errA; err != nil {
			t.Errorf("a.Run = %v", err)
		}
		synctest.Wait()
		if _, has := routeOf(b, pB); !has {
			t.Error("b lost its own route")
		}
		if got := time.Since(start); got < 3*time.Hour {
			t.Errorf("virtual time %v", got)
		}
		cancelB()
		if err := <-errB; err != nil {
			t.Errorf("b.Run = %v", err)
		}
	})
}

// TestSpeakerRunReadError: a conn that fails ends Run with an error naming
// the interface.
func TestSpeakerRunReadError(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := NewSpeaker(Config{Interfaces: []Interface{{Name: "eth7", Conn: failConn{}, LinkLocal: llA}}})
		if err != nil {
			t.Fatal(err)
		}
		err = s.Run(t.Context())
		if err == nil || !strings.Contains(err.Error(), `ripng: read on eth7: broken`) {
			t.Errorf("Run = %v", err)
		}
	})
}

type failConn struct{}

func (failConn) ReadPacket([]byte) (int, PacketInfo, error) {
	return 0, PacketInfo{}, errors.New("broken")
}
func (failConn) WritePacket([]byte, netip.AddrPort) error { return nil }
func (failConn) SetReadDeadline(time.Time) error          { return nil }

func TestNewSpeakerRejects(t *testing.T) {
	link := &memLink{}
	tests := []struct {
		name string
		cfg  Config
	}{
		{"no interfaces", Config{}},
		{"no link-local", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: netip.MustParseAddr("2001:db8::1")}}}},
		{"cost 16", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA, Cost: 16}}}},
		{"twice", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA}, {Name: "eth0", Conn: link.conn(llB), LinkLocal: llB}}}},
		{"MTU 70000", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA, MTU: 70000}}}},
		{"MTU -1", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA, MTU: -1}}}},
		{"nil conn", Config{Interfaces: []Interface{{Name: "eth0", LinkLocal: llA}}}},
		{"negative timeout", Config{Interfaces: []Interface{{Name: "eth0", Conn: link.conn(llA), LinkLocal: llA}}, Timeout: -time.Second}},
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

// TestWatcherApply: a link or link-local change of a watched interface
// brings it down or up; other interfaces and addresses are ignored.
func TestWatcherApply(t *testing.T) {
	w := &InterfaceWatcher{byIndex: map[int]*watchState{2: {name: "eth0", ll: llA, linkOK: true, llOK: true}}}
	for i, tt := range []struct {
		ev     ifEvent
		name   string
		up, ok bool
	}{
		{ifEvent{index: 3, link: true}, "", false, false},
		{ifEvent{index: 2, link: true, ok: false}, "eth0", false, true},
		{ifEvent{index: 2, link: true, ok: true}, "eth0", true, true},
		{ifEvent{index: 2, addr: llB, ok: false}, "", false, false},
		{ifEvent{index: 2, addr: llA, ok: false}, "eth0", false, true},
		{ifEvent{index: 2, link: true, ok: true}, "eth0", false, true},
		{ifEvent{index: 2, addr: llA, ok: true}, "eth0", true, true},
	} {
		name, up, ok := w.apply(tt.ev)
		if name != tt.name || up != tt.up || ok != tt.ok {
			t.Errorf("event %d %+v: apply = %q, %v, %v; want %q, %v, %v", i, tt.ev, name, up, ok, tt.name, tt.up, tt.ok)
		}
	}
	if _, err := NewInterfaceWatcher(nil); err == nil {
		t.Error("NewInterfaceWatcher(nil) succeeded")
	}
}
