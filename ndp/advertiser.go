package ndp

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/netx"
	"golang.org/x/net/ipv6"
)

// raConn is what an Advertiser needs of its socket; *mdndp.Conn has it.
type raConn interface {
	ReadFrom() (mdndp.Message, *ipv6.ControlMessage, netip.Addr, error)
	WriteTo(m mdndp.Message, cm *ipv6.ControlMessage, dst netip.Addr) error
	SetReadDeadline(t time.Time) error
	Close() error
}

// allNodes is ff02::1, where RAs go (allRouters is in solicit.go).
var allNodes = netip.MustParseAddr("ff02::1")

// ErrAdvertiserRunning is returned by a second call of [Advertiser.Run]:
// an Advertiser runs once.
var ErrAdvertiserRunning = errors.New("ndp: advertiser: Run called twice; an Advertiser runs once")

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
// and a final RA with router lifetime 0 when it stops (withdrawing its DNS
// servers, search domains, routes and PREF64 with it).
//
// [NewAdvertiser] opens its socket and [Advertiser.Close] closes it;
// [Advertiser.Run] advertises until its context ends, once.
type Advertiser struct {
	cfg  AdvertiserConfig
	mac  net.HardwareAddr
	conn raConn
	ran  atomic.Bool

	mu    sync.Mutex
	stats AdvertiserStats
	rsc   chan struct{}
}

// NewAdvertiser opens a raw ICMPv6 socket on ifi's link-local address
// (the source RFC 4861 requires), joins all-routers to hear solicitations
// and returns an Advertiser ready to Run; Close releases the socket. It
// needs CAP_NET_RAW. Like every socket, it belongs to the network namespace
// of the calling thread. A nil ifi or an invalid cfg is an error, checked
// before anything opens.
func NewAdvertiser(ifi *net.Interface, cfg AdvertiserConfig) (*Advertiser, error) {
	if ifi == nil {
		return nil, errors.New("ndp: advertiser: nil interface")
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	c, err := dialAdvertiser(ifi)
	if err != nil {
		return nil, err
	}
	return newAdvertiser(c, ifi.HardwareAddr, cfg), nil
}

// newAdvertiser builds an Advertiser over any raConn; cfg is validated.
func newAdvertiser(c raConn, mac net.HardwareAddr, cfg AdvertiserConfig) *Advertiser {
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	return &Advertiser{cfg: cfg, mac: mac, conn: c, rsc: make(chan struct{}, 1)}
}

// Close closes the advertiser's socket; a running Run returns.
func (a *Advertiser) Close() error { return a.conn.Close() }

// Stats returns a snapshot of the counters.
func (a *Advertiser) Stats() AdvertiserStats {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.stats
}

// random returns a uniformly distributed duration in [0, n] read from
// cfg.Rand.
func (a *Advertiser) random(n time.Duration) time.Duration {
	if n <= 0 {
		return 0
	}
	var b [8]byte
	if _, err := io.ReadFull(a.cfg.Rand, b[:]); err != nil {
		return n / 2 // a broken source still yields a valid delay
	}
	return time.Duration(binary.BigEndian.Uint64(b[:]) % (uint64(n) + 1))
}

// Run advertises until ctx ends, then sends the final RA (router lifetime
// 0, RFC 4861 6.2.5). It returns nil after a clean stop or after Close, the
// first socket error that made it stop, or [ErrAdvertiserRunning] when
// called a second time. It does not close the socket: Close does.
func (a *Advertiser) Run(ctx context.Context) error {
	if !a.ran.CompareAndSwap(false, true) {
		return ErrAdvertiserRunning
	}
	var wg sync.WaitGroup
	readErr := make(chan error, 1)
	readCtx, stopReads := context.WithCancel(context.Background())
	stop := netx.CancelReads(readCtx, a.conn)
	wg.Go(func() { readErr <- a.readLoop(readCtx) })
	defer func() {
		stopReads()
		wg.Wait()
		stop()
	}()

	s := newRASchedule(a.cfg.MinInterval, a.cfg.MaxInterval)
	s.start(time.Now())
	timer := time.NewTimer(0)
	defer timer.Stop()
	var err error
loop:
	for {
		wait := time.Until(s.due())
		if wait <= 0 {
			a.send(a.cfg.message(a.mac, a.cfg.RouterLifetime))
			s.sent(time.Now(), a.random(s.spread()))
			continue
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			break loop
		case <-timer.C:
		case <-a.rsc:
			s.solicited(time.Now(), a.random(MaxRADelayTime))
		case err = <-readErr:
			break loop
		}
	}
	if err == nil {
		// Tell every host to stop using us as a router, and our DNS
		// servers, routes and NAT64 prefix, at once.
		a.send(a.cfg.finalMessage(a.mac))
	}
	if err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("ndp: advertiser: %w", err)
	}
	return nil
}

// readLoop reads solicitations until ctx ends (its reads cut by a
// deadline) or the socket fails, keeping only the valid ones (RFC 4861
// 6.1.1).
func (a *Advertiser) readLoop(ctx context.Context) error {
	for {
		m, cm, src, err := a.conn.ReadFrom()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
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

func (a *Advertiser) send(ra *mdndp.RouterAdvertisement) {
	err := a.conn.WriteTo(ra, nil, allNodes)
	a.mu.Lock()
	defer a.mu.Unlock()
	if err != nil {
		a.stats.SendErrors++
		return
	}
	a.stats.Sent++
	a.stats.LastSent = time.Now()
}
