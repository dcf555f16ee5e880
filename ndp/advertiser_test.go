package ndp

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/google/go-cmp/cmp"
	mdndp "github.com/mdlayher/ndp"
	"golang.org/x/net/ipv6"
)

var t0 = time.Date(2026, 11, 24, 0, 0, 0, 0, time.UTC)

func TestScheduleInitialAdvertisements(t *testing.T) {
	s := newRASchedule(200*time.Second, 600*time.Second)
	now := t0
	s.start(now)
	if got := s.due(); !got.Equal(now) {
		t.Fatalf("first RA due at %v, want at once (%v)", got, now)
	}
	var intervals []time.Duration
	for range 5 {
		s.sent(now, s.spread()) // the largest random value
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
	for _, jitter := range []time.Duration{-time.Second, 0, 15 * time.Second, 30 * time.Second, time.Hour} {
		s := newRASchedule(30*time.Second, 60*time.Second)
		s.initialLeft = 0
		s.start(t0)
		s.sent(t0, jitter)
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
			s := newRASchedule(200*time.Second, 600*time.Second)
			if tt.lastMulticast >= 0 {
				s.lastMulticast = t0.Add(-tt.lastMulticast)
			}
			s.next = t0.Add(tt.nextIn)
			got := s.solicited(t0, MaxRADelayTime/2).Sub(t0)
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
		{name: "valid shorter than the default preferred", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: good, ValidLifetime: time.Hour}}}, ok: true},
		{name: "withdrawn", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: good, Withdraw: true}}}, ok: true},
		{name: "withdrawn with a lifetime", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: good, Withdraw: true, ValidLifetime: time.Hour}}}},
		{name: "pref64 host bits", cfg: AdvertiserConfig{PREF64: netip.MustParsePrefix("64:ff9b::1/96")}},
		{name: "mtu below 1280", cfg: AdvertiserConfig{MTU: 1000}},
		{name: "mtu 1280", cfg: AdvertiserConfig{MTU: 1280}, ok: true},
		{name: "negative reachable time", cfg: AdvertiserConfig{ReachableTime: -time.Second}},
		{name: "reachable time over an hour", cfg: AdvertiserConfig{ReachableTime: 3601 * time.Second}},
		{name: "negative retrans timer", cfg: AdvertiserConfig{RetransTimer: -time.Second}},
		{name: "valid lifetime beyond infinity", cfg: AdvertiserConfig{Prefixes: []AdvertisedPrefix{{Prefix: good, ValidLifetime: 200 * 365 * 24 * time.Hour}}}},
		{name: "negative route lifetime", cfg: AdvertiserConfig{Routes: []AdvertisedRoute{{Prefix: good, Lifetime: -1}}}},
		{name: "rdnss multicast", cfg: AdvertiserConfig{RDNSS: []netip.Addr{netip.MustParseAddr("ff02::1")}}},
		{name: "rdnss 15", cfg: AdvertiserConfig{RDNSS: servers(15)}, ok: true},
		{name: "rdnss 16: the option would not encode", cfg: AdvertiserConfig{RDNSS: servers(16)}},
		{name: "rdnss 128: the length would wrap", cfg: AdvertiserConfig{RDNSS: servers(128)}},
		{name: "dnssl over one option", cfg: AdvertiserConfig{DNSSL: []string{strings.Repeat("a", 60) + ".b", strings.Repeat("c", 60) + ".d", strings.Repeat("e", 60) + ".f", strings.Repeat("g", 60) + ".h"}}},
		{name: "dnssl bad name", cfg: AdvertiserConfig{DNSSL: []string{strings.Repeat("a", 64) + ".example"}}},
		{name: "too many prefixes for one packet", cfg: AdvertiserConfig{Prefixes: prefixes(40)}},
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

func servers(n int) []netip.Addr {
	var as []netip.Addr
	for i := range n {
		as = append(as, netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 15: byte(i + 1)}))
	}
	return as
}

func prefixes(n int) []AdvertisedPrefix {
	var ps []AdvertisedPrefix
	for i := range n {
		ps = append(ps, AdvertisedPrefix{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 7: byte(i)}), 64), OnLink: true})
	}
	return ps
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

// memConn is an in-memory raConn: reads come from in, writes go to out.
// Its channels block durably, as synctest needs.
type memConn struct {
	in     chan memPacket
	out    chan *mdndp.RouterAdvertisement
	closed chan struct{}
	once   sync.Once

	mu       sync.Mutex
	deadline chan struct{} // closed when the read deadline passes
}

type memPacket struct {
	m   mdndp.Message
	cm  *ipv6.ControlMessage
	src netip.Addr
}

func newMemConn() *memConn {
	return &memConn{in: make(chan memPacket, 10), out: make(chan *mdndp.RouterAdvertisement, 10),
		closed: make(chan struct{}), deadline: make(chan struct{})}
}

func (c *memConn) ReadFrom() (mdndp.Message, *ipv6.ControlMessage, netip.Addr, error) {
	c.mu.Lock()
	dl := c.deadline
	c.mu.Unlock()
	select {
	case p := <-c.in:
		return p.m, p.cm, p.src, nil
	case <-c.closed:
		return nil, nil, netip.Addr{}, net.ErrClosed
	case <-dl:
		return nil, nil, netip.Addr{}, os.ErrDeadlineExceeded
	}
}

// SetReadDeadline supports what netx.CancelReads does: a time in the past
// ends reads; any other clears the deadline.
func (c *memConn) SetReadDeadline(t time.Time) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !t.IsZero() && !t.After(time.Now()) {
		select {
		case <-c.deadline:
		default:
			close(c.deadline)
		}
		return nil
	}
	c.deadline = make(chan struct{})
	return nil
}

func (c *memConn) WriteTo(m mdndp.Message, _ *ipv6.ControlMessage, dst netip.Addr) error {
	if dst != allNodes {
		return errors.New("RA not sent to ff02::1")
	}
	select {
	case c.out <- m.(*mdndp.RouterAdvertisement):
		return nil
	case <-c.closed:
		return net.ErrClosed
	}
}

func (c *memConn) Close() error { c.once.Do(func() { close(c.closed) }); return nil }

// recvRA returns the next RA sent and how long after start it went out.
func recvRA(t *testing.T, c *memConn, start time.Time) (*mdndp.RouterAdvertisement, time.Duration) {
	t.Helper()
	select {
	case ra := <-c.out:
		return ra, time.Since(start)
	case <-time.After(time.Hour):
		t.Fatal("no RA within an hour")
		return nil, 0
	}
}

// TestAdvertiserRun drives the goroutine shell on synctest's clock: the
// first RA at once, the initial ones at most 16 s apart, a solicited one
// rate-limited after the last multicast RA, the final one with lifetime 0,
// and Run refused a second time.
func TestAdvertiserRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg, err := AdvertiserConfig{
			MaxInterval: 60 * time.Second,
			Prefixes:    []AdvertisedPrefix{{Prefix: netip.MustParsePrefix("2001:db8:1:1::/64"), OnLink: true, Autonomous: true}},
			Routes:      []AdvertisedRoute{{Prefix: netip.MustParsePrefix("2001:db8:2::/48")}},
			RDNSS:       []netip.Addr{netip.MustParseAddr("2001:db8:1:1::53")},
			DNSSL:       []string{"home.arpa"},
			PREF64:      netip.MustParsePrefix("64:ff9b::/96"),
			Rand:        rand.NewChaCha8([32]byte{1}),
		}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		conn := newMemConn()
		a := newAdvertiser(conn, net.HardwareAddr{2, 0, 0, 0, 0, 1}, cfg)
		defer a.Close()
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan error, 1)
		start := time.Now()
		go func() { done <- a.Run(ctx) }()

		// The first RA goes out at once, with the configured lifetime.
		ra, at := recvRA(t, conn, start)
		if at != 0 || ra.RouterLifetime != 180*time.Second {
			t.Fatalf("first RA after %v with lifetime %v, want at once with 180s", at, ra.RouterLifetime)
		}
		// The second after MAX_INITIAL_RTR_ADVERT_INTERVAL: every interval
		// in [MinRtrAdvInterval, MaxRtrAdvInterval] = [19.8s, 60s] is capped.
		_, at = recvRA(t, conn, start)
		if at != MaxInitialRtrAdvertInterval {
			t.Fatalf("second RA after %v, want %v", at, MaxInitialRtrAdvertInterval)
		}
		// An invalid RS (hop limit 64) is dropped; a valid one one second
		// later is answered MIN_DELAY_BETWEEN_RAS after the last RA plus a
		// random delay of at most MAX_RA_DELAY_TIME.
		last := time.Now()
		time.Sleep(time.Second)
		conn.in <- memPacket{m: &mdndp.RouterSolicitation{}, cm: &ipv6.ControlMessage{HopLimit: 64}, src: netip.MustParseAddr("fe80::9")}
		conn.in <- memPacket{m: &mdndp.RouterSolicitation{}, cm: &ipv6.ControlMessage{HopLimit: 255}, src: netip.MustParseAddr("fe80::9")}
		_, at = recvRA(t, conn, last)
		if at < MinDelayBetweenRAs || at > MinDelayBetweenRAs+MaxRADelayTime {
			t.Errorf("solicited RA %v after the last one, want in [%v, %v]", at, MinDelayBetweenRAs, MinDelayBetweenRAs+MaxRADelayTime)
		}
		if s := a.Stats(); s.Solicited != 1 || s.Invalid != 1 {
			t.Errorf("Stats() = %+v, want 1 solicited and 1 invalid", s)
		}
		if err := a.Run(ctx); !errors.Is(err, ErrAdvertiserRunning) {
			t.Errorf("second Run = %v, want ErrAdvertiserRunning", err)
		}

		// On stop: a final RA with router lifetime 0, and Run returns nil
		// without closing the socket.
		synctest.Wait()
		cancel()
		// and every DNS server, search domain, route and NAT64 prefix
		// withdrawn with it (RFC 8106 5.1, RFC 4191 2.3, RFC 8781 4), so
		// hosts stop using them now rather than when their lifetimes run
		// out. The prefix keeps its lifetime: addresses outlive the router.
		ra, _ = recvRA(t, conn, start)
		if ra.RouterLifetime != 0 {
			t.Fatalf("final RA lifetime %v, want 0", ra.RouterLifetime)
		}
		withdrawn := 0
		for _, o := range ra.Options {
			switch o := o.(type) {
			case *mdndp.RecursiveDNSServer:
				withdrawn++
				if o.Lifetime != 0 {
					t.Errorf("final RA: RDNSS lifetime %v, want 0", o.Lifetime)
				}
			case *mdndp.DNSSearchList:
				withdrawn++
				if o.Lifetime != 0 {
					t.Errorf("final RA: DNSSL lifetime %v, want 0", o.Lifetime)
				}
			case *mdndp.RouteInformation:
				withdrawn++
				if o.RouteLifetime != 0 {
					t.Errorf("final RA: route lifetime %v, want 0", o.RouteLifetime)
				}
			case *mdndp.PREF64:
				withdrawn++
				if o.Lifetime != 0 {
					t.Errorf("final RA: PREF64 lifetime %v, want 0", o.Lifetime)
				}
			case *mdndp.PrefixInformation:
				if o.ValidLifetime == 0 {
					t.Errorf("final RA: prefix %v withdrawn, want its lifetime kept", o.Prefix)
				}
			}
		}
		if withdrawn != 4 {
			t.Errorf("final RA carries %d of the 4 options to withdraw", withdrawn)
		}
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
		select {
		case <-conn.closed:
			t.Error("Run closed the socket it did not open")
		default:
		}
		if s := a.Stats(); s.Sent != 4 {
			t.Errorf("Stats().Sent = %d, want 4 (two initial, solicited, final)", s.Sent)
		}
		if err := a.Run(context.Background()); !errors.Is(err, ErrAdvertiserRunning) {
			t.Errorf("Run after the end = %v, want ErrAdvertiserRunning", err)
		}
	})
}

// TestAdvertiserCloseEndsRun: Close while Run waits makes Run return.
func TestAdvertiserCloseEndsRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		cfg, err := AdvertiserConfig{}.withDefaults()
		if err != nil {
			t.Fatal(err)
		}
		conn := newMemConn()
		a := newAdvertiser(conn, nil, cfg)
		done := make(chan error, 1)
		go func() { done <- a.Run(context.Background()) }()
		recvRA(t, conn, time.Now())
		synctest.Wait()
		a.Close()
		if err := <-done; err != nil {
			t.Errorf("Run after Close = %v, want nil", err)
		}
	})
}

func TestNewAdvertiserNilInterface(t *testing.T) {
	if _, err := NewAdvertiser(nil, AdvertiserConfig{}); err == nil || err.Error() != "ndp: advertiser: nil interface" {
		t.Errorf("NewAdvertiser(nil) = %v, want an error", err)
	}
}

func TestNilAndNegativeArguments(t *testing.T) {
	ctx := context.Background()
	ifi := &net.Interface{Index: 1, Name: "lo"}
	ll := netip.MustParseAddr("fe80::1")
	for name, err := range map[string]error{
		"SolicitRouters nil":      second(SolicitRouters(ctx, nil, time.Second)),
		"SolicitRouters negative": second(SolicitRouters(ctx, ifi, -time.Second)),
		"Resolve nil":             second(Resolve(ctx, nil, ll, nil)),
		"Resolve negative":        second(Resolve(ctx, ifi, ll, &ResolveOptions{Interval: -1})),
		"ProbeDuplicate nil":      third(ProbeDuplicate(ctx, nil, ll, time.Second)),
		"NewWatcher nil":          second(NewWatcher(nil)),
	} {
		if err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

func second[A any](_ A, err error) error        { return err }
func third[A, B any](_ A, _ B, err error) error { return err }
