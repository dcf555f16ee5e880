package ndp

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	mdndp "github.com/mdlayher/ndp"
	"go.uber.org/goleak"
	"golang.org/x/net/ipv6"
)

var t0 = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

// maxRand always picks the largest value; halfRand the middle.
func maxRand(n time.Duration) time.Duration  { return n }
func halfRand(n time.Duration) time.Duration { return n / 2 }

func TestScheduleInitialAdvertisements(t *testing.T) {
	s := newRASchedule(200*time.Second, 600*time.Second, maxRand)
	now := t0
	s.start(now)
	if got := s.due(); !got.Equal(now) {
		t.Fatalf("first RA due at %v, want at once (%v)", got, now)
	}
	var intervals []time.Duration
	for range 5 {
		s.sent(now)
		intervals = append(intervals, s.due().Sub(now))
		now = s.due()
	}
	// The first MAX_INITIAL_RTR_ADVERTISEMENTS intervals are capped at
	// MAX_INITIAL_RTR_ADVERT_INTERVAL; then MaxRtrAdvInterval applies.
	want := []time.Duration{16 * time.Second, 16 * time.Second, 16 * time.Second, 600 * time.Second, 600 * time.Second}
	if diff := cmp.Diff(want, intervals); diff != "" {
		t.Errorf("intervals (-want +got):\n%s", diff)
	}
}

func TestScheduleIntervalWithinBounds(t *testing.T) {
	for _, rnd := range []func(time.Duration) time.Duration{
		func(time.Duration) time.Duration { return 0 }, halfRand, maxRand,
	} {
		s := newRASchedule(30*time.Second, 60*time.Second, rnd)
		s.initialLeft = 0
		s.start(t0)
		s.sent(t0)
		if ivl := s.due().Sub(t0); ivl < 30*time.Second || ivl > 60*time.Second {
			t.Errorf("interval %v outside [MinRtrAdvInterval, MaxRtrAdvInterval] = [30s, 60s]", ivl)
		}
	}
}

func TestScheduleSolicited(t *testing.T) {
	tests := []struct {
		name          string
		lastMulticast time.Duration // before the RS; <0 means never
		nextIn        time.Duration // scheduled RA, after the RS
		want          time.Duration // answer, after the RS
	}{
		{name: "random delay", lastMulticast: -1, nextIn: time.Minute, want: MaxRADelayTime / 2},
		{name: "scheduled RA sooner wins", lastMulticast: -1, nextIn: 100 * time.Millisecond, want: 100 * time.Millisecond},
		{name: "rate limited after a recent multicast RA", lastMulticast: time.Second, nextIn: time.Minute,
			want: MinDelayBetweenRAs - time.Second + MaxRADelayTime/2},
		{name: "old multicast RA does not limit", lastMulticast: 10 * time.Second, nextIn: time.Minute, want: MaxRADelayTime / 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := newRASchedule(200*time.Second, 600*time.Second, halfRand)
			if tt.lastMulticast >= 0 {
				s.lastMulticast = t0.Add(-tt.lastMulticast)
			}
			s.next = t0.Add(tt.nextIn)
			got := s.solicited(t0).Sub(t0)
			if got != tt.want {
				t.Errorf("solicited RA after %v, want %v", got, tt.want)
			}
			if !s.due().Equal(t0.Add(got)) {
				t.Errorf("due() = %v, want the solicited time", s.due().Sub(t0))
			}
		})
	}
}

func TestConfigValidation(t *testing.T) {
	good := netip.MustParsePrefix("2001:db8:1:1::/64")
	tests := []struct {
		name string
		cfg  AdvertiserConfig
		ok   bool
	}{
		{name: "defaults", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: good, OnLink: true, Autonomous: true}}}, ok: true},
		{name: "max interval too small", cfg: AdvertiserConfig{MaxInterval: 3 * time.Second}},
		{name: "min above 0.75 max", cfg: AdvertiserConfig{MinInterval: 50 * time.Second, MaxInterval: 60 * time.Second}},
		{name: "router lifetime too long", cfg: AdvertiserConfig{RouterLifetime: 3 * time.Hour}},
		{name: "host bits", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: netip.MustParsePrefix("2001:db8::1/64")}}}},
		{name: "autonomous /56", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: netip.MustParsePrefix("2001:db8::/56"), Autonomous: true}}}},
		{name: "preferred > valid", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: good, ValidLifetime: time.Hour, PreferredLifetime: 2 * time.Hour}}}},
		{name: "pref64 /60", cfg: AdvertiserConfig{PREF64: netip.MustParsePrefix("64:ff9b::/60")}},
		{name: "pref64 /96", cfg: AdvertiserConfig{PREF64: netip.MustParsePrefix("64:ff9b::/96")}, ok: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := tt.cfg.withDefaults()
			if ok := err == nil; ok != tt.ok {
				t.Fatalf("withDefaults() err = %v, want ok=%v", err, tt.ok)
			}
			if err != nil && !errors.Is(err, ErrInvalidConfig) {
				t.Errorf("error %v does not wrap ErrInvalidConfig", err)
			}
		})
	}
}

func TestMessageCarriesEveryOption(t *testing.T) {
	cfg, err := AdvertiserConfig{
		MaxInterval: 60 * time.Second,
		Preference:  mdndp.High,
		Prefixes: []AdvertisedPrefix{
			{Prefix: netip.MustParsePrefix("2001:db8:1:1::/64"), OnLink: true, Autonomous: true},
			{Prefix: netip.MustParsePrefix("fd00:db8:1:1::/64"), OnLink: true, Autonomous: true, ValidLifetime: time.Hour, PreferredLifetime: 30 * time.Minute},
		},
		Routes: []AdvertisedRoute{{Prefix: netip.MustParsePrefix("2001:db8:ff00::/48"), Preference: mdndp.Low, Lifetime: time.Hour}},
		MTU:    1480,
		RDNSS:  []netip.Addr{netip.MustParseAddr("2001:db8:1:1::1")},
		DNSSL:  []string{"home.arpa"},
		PREF64: netip.MustParsePrefix("64:ff9b::/96"),
	}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	mac := net.HardwareAddr{0x02, 0, 0x5e, 0x10, 0, 1}
	b, err := mdndp.MarshalMessage(cfg.message(mac, cfg.RouterLifetime))
	if err != nil {
		t.Fatalf("marshal: %v", err)
	}
	m, err := mdndp.ParseMessage(b)
	if err != nil {
		t.Fatalf("parse our own RA: %v", err)
	}
	ra := m.(*mdndp.RouterAdvertisement)
	want := &mdndp.RouterAdvertisement{
		CurrentHopLimit:           64,
		RouterSelectionPreference: mdndp.High,
		RouterLifetime:            180 * time.Second,
		Options: []mdndp.Option{
			&mdndp.LinkLayerAddress{Direction: mdndp.Source, Addr: mac},
			mdndp.NewMTU(1480),
			&mdndp.PrefixInformation{PrefixLength: 64, OnLink: true, AutonomousAddressConfiguration: true,
				ValidLifetime: DefaultValidLifetime, PreferredLifetime: DefaultPreferredLifetime, Prefix: netip.MustParseAddr("2001:db8:1:1::")},
			&mdndp.PrefixInformation{PrefixLength: 64, OnLink: true, AutonomousAddressConfiguration: true,
				ValidLifetime: time.Hour, PreferredLifetime: 30 * time.Minute, Prefix: netip.MustParseAddr("fd00:db8:1:1::")},
			&mdndp.RouteInformation{PrefixLength: 48, Preference: mdndp.Low, RouteLifetime: time.Hour, Prefix: netip.MustParseAddr("2001:db8:ff00::")},
			&mdndp.RecursiveDNSServer{Lifetime: 180 * time.Second, Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:1::1")}},
			&mdndp.DNSSearchList{Lifetime: 180 * time.Second, DomainNames: []string{"home.arpa"}},
			&mdndp.PREF64{Lifetime: 184 * time.Second, Prefix: netip.MustParsePrefix("64:ff9b::/96")},
		},
	}
	if diff := cmp.Diff(want, ra, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
		cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("RA (-want +got):\n%s", diff)
	}
}

// fakeClock fires After channels when advanced.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []fakeWaiter
	added   chan struct{} // signalled on every After
}

type fakeWaiter struct {
	at time.Time
	c  chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{now: t0, added: make(chan struct{}, 100)} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, fakeWaiter{at: c.now.Add(d), c: ch})
	select {
	case c.added <- struct{}{}:
	default:
	}
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	kept := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.c <- c.now
		} else {
			kept = append(kept, w)
		}
	}
	c.waiters = kept
}

// memConn is an in-memory raConn: reads come from in, writes go to out.
type memConn struct {
	in     chan memPacket
	out    chan *mdndp.RouterAdvertisement
	closed chan struct{}
	once   sync.Once
}

type memPacket struct {
	m   mdndp.Message
	cm  *ipv6.ControlMessage
	src netip.Addr
}

func newMemConn() *memConn {
	return &memConn{in: make(chan memPacket, 10), out: make(chan *mdndp.RouterAdvertisement, 10), closed: make(chan struct{})}
}

func (c *memConn) ReadFrom() (mdndp.Message, *ipv6.ControlMessage, netip.Addr, error) {
	select {
	case p := <-c.in:
		return p.m, p.cm, p.src, nil
	case <-c.closed:
		return nil, nil, netip.Addr{}, net.ErrClosed
	}
}

func (c *memConn) WriteTo(m mdndp.Message, _ *ipv6.ControlMessage, dst netip.Addr) error {
	if dst != allNodes {
		return errors.New("RA not sent to ff02::1")
	}
	c.out <- m.(*mdndp.RouterAdvertisement)
	return nil
}

func (c *memConn) Close() error { c.once.Do(func() { close(c.closed) }); return nil }

func recvRA(t *testing.T, c *memConn) *mdndp.RouterAdvertisement {
	t.Helper()
	select {
	case ra := <-c.out:
		return ra
	case <-time.After(10 * time.Second):
		t.Fatal("no RA sent")
		return nil
	}
}

// waitWaiting waits until the advertiser blocks on the clock again.
func waitWaiting(t *testing.T, clk *fakeClock) {
	t.Helper()
	select {
	case <-clk.added:
	case <-time.After(10 * time.Second):
		t.Fatal("advertiser never waited on its clock")
	}
}

func TestAdvertiserServe(t *testing.T) {
	defer goleak.VerifyNone(t)
	clk := newFakeClock()
	cfg, err := AdvertiserConfig{
		MaxInterval: 60 * time.Second,
		Prefixes:    []AdvertisedPrefix{{Prefix: netip.MustParsePrefix("2001:db8:1:1::/64"), OnLink: true, Autonomous: true}},
		Clock:       clk,
		Rand:        halfRand,
	}.withDefaults()
	if err != nil {
		t.Fatal(err)
	}
	conn := newMemConn()
	a := newAdvertiser(conn, net.HardwareAddr{2, 0, 0, 0, 0, 1}, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Serve(ctx) }()

	// The first RA goes out at once, with the configured lifetime.
	if ra := recvRA(t, conn); ra.RouterLifetime != 180*time.Second {
		t.Fatalf("first RA lifetime %v, want 180s", ra.RouterLifetime)
	}
	waitWaiting(t, clk)
	// An invalid RS (hop limit 64) is dropped; a valid one is answered
	// after MIN_DELAY_BETWEEN_RAS + the random delay (an RA just went out).
	conn.in <- memPacket{m: &mdndp.RouterSolicitation{}, cm: &ipv6.ControlMessage{HopLimit: 64}, src: netip.MustParseAddr("fe80::9")}
	conn.in <- memPacket{m: &mdndp.RouterSolicitation{}, cm: &ipv6.ControlMessage{HopLimit: 255}, src: netip.MustParseAddr("fe80::9")}
	waitWaiting(t, clk) // re-armed for the solicited RA
	if err := waitStats(a, func(s AdvertiserStats) bool { return s.Solicited == 1 && s.Invalid == 1 }); err != nil {
		t.Fatal(err)
	}
	clk.Advance(MinDelayBetweenRAs + MaxRADelayTime/2)
	recvRA(t, conn)
	waitWaiting(t, clk)

	// On stop: a final RA with router lifetime 0, then no goroutine left.
	cancel()
	if ra := recvRA(t, conn); ra.RouterLifetime != 0 {
		t.Fatalf("final RA lifetime %v, want 0", ra.RouterLifetime)
	}
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	if s := a.Stats(); s.Sent != 3 {
		t.Errorf("Stats().Sent = %d, want 3 (first, solicited, final)", s.Sent)
	}
}

func waitStats(a *Advertiser, ok func(AdvertiserStats) bool) error {
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok(a.Stats()) {
			return nil
		}
		time.Sleep(time.Millisecond)
	}
	return errors.New("stats never matched")
}
