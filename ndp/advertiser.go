package ndp

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"strconv"
	"sync"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"golang.org/x/net/ipv6"
)

// Clock is the time source of an Advertiser; tests inject a fake one.
type Clock interface {
	Now() time.Time
	// After returns a channel that receives once d has passed.
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// raConn is what an Advertiser needs of its socket; *mdndp.Conn has it.
type raConn interface {
	ReadFrom() (mdndp.Message, *ipv6.ControlMessage, netip.Addr, error)
	WriteTo(m mdndp.Message, cm *ipv6.ControlMessage, dst netip.Addr) error
	Close() error
}

// allNodes is ff02::1, where RAs go (allRouters is in solicit.go).
var allNodes = netip.MustParseAddr("ff02::1")

// AdvertiserStats counts what an Advertiser did.
type AdvertiserStats struct {
	Sent       int // RAs sent, the final one included
	Solicited  int // valid Router Solicitations received
	Invalid    int // solicitations dropped by the RFC 4861 6.1.1 checks
	SendErrors int
	LastSent   time.Time
}

// Advertiser is a minimal IPv6 router advertiser for one interface, as
// described in RFC 4861, Section 6.2: unsolicited RAs at random intervals,
// the first few sooner, solicited RAs after a random delay and rate-limited,
// and a final RA with router lifetime 0 when it stops.
type Advertiser struct {
	cfg   AdvertiserConfig
	mac   net.HardwareAddr
	conn  raConn
	clock Clock

	mu    sync.Mutex
	stats AdvertiserStats
	rsc   chan struct{}
}

// NewAdvertiser opens a raw ICMPv6 socket on ifi's link-local address
// (the source RFC 4861 requires), joins all-routers to hear solicitations
// and returns an Advertiser ready to Serve. It needs CAP_NET_RAW. Like
// every socket, it belongs to the network namespace of the calling thread.
func NewAdvertiser(ifi *net.Interface, cfg AdvertiserConfig) (*Advertiser, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	// Name the zone by index, not by name: the net package caches
	// zone names for a minute, and in another network namespace the same
	// name ("eth0") has another index, so a name would bind the wrong link.
	byIndex := *ifi
	byIndex.Name = strconv.Itoa(ifi.Index)
	c, _, err := mdndp.Listen(&byIndex, mdndp.LinkLocal)
	if err != nil {
		return nil, fmt.Errorf("ndp: advertiser on %s: %w", ifi.Name, err)
	}
	if err := c.JoinGroup(allRouters); err != nil {
		c.Close()
		return nil, fmt.Errorf("ndp: advertiser on %s: join ff02::2: %w", ifi.Name, err)
	}
	var f ipv6.ICMPFilter
	f.SetAll(true)
	f.Accept(ipv6.ICMPTypeRouterSolicitation)
	if err := c.SetICMPFilter(&f); err != nil {
		c.Close()
		return nil, fmt.Errorf("ndp: advertiser on %s: %w", ifi.Name, err)
	}
	if err := c.SetControlMessage(ipv6.FlagHopLimit, true); err != nil {
		c.Close()
		return nil, fmt.Errorf("ndp: advertiser on %s: %w", ifi.Name, err)
	}
	return newAdvertiser(c, ifi.HardwareAddr, cfg), nil
}

// newAdvertiser builds an Advertiser over any raConn; cfg is validated.
func newAdvertiser(c raConn, mac net.HardwareAddr, cfg AdvertiserConfig) *Advertiser {
	a := &Advertiser{cfg: cfg, mac: mac, conn: c, clock: cfg.Clock, rsc: make(chan struct{}, 1)}
	if a.clock == nil {
		a.clock = realClock{}
	}
	if a.cfg.Rand == nil {
		a.cfg.Rand = func(n time.Duration) time.Duration {
			if n <= 0 {
				return 0
			}
			return time.Duration(rand.Int64N(int64(n) + 1))
		}
	}
	return a
}

// Stats returns a snapshot of the counters.
func (a *Advertiser) Stats() AdvertiserStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// Serve advertises until ctx ends, then sends the final RA (router
// lifetime 0, RFC 4861 6.2.5) and closes the socket. It returns nil after a
// clean stop, or the first socket error that made it stop.
func (a *Advertiser) Serve(ctx context.Context) error {
	var wg sync.WaitGroup
	readErr := make(chan error, 1)
	wg.Add(1)
	go func() {
		defer wg.Done()
		readErr <- a.readLoop()
	}()
	defer wg.Wait()

	s := newRASchedule(a.cfg.MinInterval, a.cfg.MaxInterval, a.cfg.Rand)
	s.start(a.clock.Now())
	var err error
loop:
	for {
		wait := s.due().Sub(a.clock.Now())
		if wait <= 0 {
			a.send(a.cfg.RouterLifetime)
			s.sent(a.clock.Now())
			continue
		}
		timer := a.clock.After(wait)
		select {
		case <-ctx.Done():
			break loop
		case <-timer:
		case <-a.rsc:
			s.solicited(a.clock.Now())
		case err = <-readErr:
			break loop
		}
	}
	if err == nil {
		// Tell every host to stop using us as a router at once.
		a.send(0)
	}
	a.conn.Close()
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("ndp: advertiser: %w", err)
	}
	return nil
}

// readLoop reads solicitations until the socket closes, keeping only the
// valid ones (RFC 4861 6.1.1).
func (a *Advertiser) readLoop() error {
	for {
		m, cm, src, err := a.conn.ReadFrom()
		if err != nil {
			return err
		}
		rs, ok := m.(*mdndp.RouterSolicitation)
		if !ok {
			continue
		}
		if !validSolicitation(rs, cm, src) {
			a.mu.Lock()
			a.stats.Invalid++
			a.mu.Unlock()
			continue
		}
		a.mu.Lock()
		a.stats.Solicited++
		a.mu.Unlock()
		select {
		case a.rsc <- struct{}{}:
		default: // one pending is enough: they all get the same RA
		}
	}
}

// validSolicitation applies RFC 4861 6.1.1: hop limit 255, and no source
// link-layer option from the unspecified address. (The ICMP code and
// length checks are done by the parser.)
func validSolicitation(rs *mdndp.RouterSolicitation, cm *ipv6.ControlMessage, src netip.Addr) bool {
	if cm == nil || cm.HopLimit != mdndp.HopLimit {
		return false
	}
	if src.IsUnspecified() {
		for _, o := range rs.Options {
			if lla, ok := o.(*mdndp.LinkLayerAddress); ok && lla.Direction == mdndp.Source {
				return false
			}
		}
	}
	return true
}

func (a *Advertiser) send(lifetime time.Duration) {
	err := a.conn.WriteTo(a.cfg.message(a.mac, lifetime), nil, allNodes)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.stats.SendErrors++
		return
	}
	a.stats.Sent++
	a.stats.LastSent = a.clock.Now()
}
