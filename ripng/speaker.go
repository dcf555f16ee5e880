package ripng

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"
	"time"

	"github.com/v6kit/v6kit/internal/netx"
)

// RouteSync receives the learned routes a speaker installs and removes.
type RouteSync interface {
	Add(RouteInfo) error
	Delete(RouteInfo) error
}

// Speaker is a RIPng router: it learns routes from its neighbours and
// advertises its table (RFC 2080). Create it with [NewSpeaker], run it with
// [Speaker.Run]; the views and Announce/Withdraw are safe to call at any
// time from any goroutine.
type Speaker struct {
	// syncMu serialises route sync batches, so the kernel sees Add and
	// Delete in table order whichever goroutine runs them; taken before mu.
	syncMu sync.Mutex
	mu     sync.Mutex
	c      *core
	conns  []PacketConn
	kick   chan struct{}
	ran    bool
}

// NewSpeaker checks cfg, fills in defaults and returns a speaker that does
// nothing until Run.
func NewSpeaker(cfg Config) (*Speaker, error) {
	if len(cfg.Interfaces) == 0 {
		return nil, fmt.Errorf("%w: no interfaces", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var ics []ifaceConf
	var conns []PacketConn
	names := map[string]bool{}
	for _, ifc := range cfg.Interfaces {
		if ifc.Conn == nil || !ifc.LinkLocal.IsLinkLocalUnicast() {
			return nil, fmt.Errorf("%w: interface %q needs a conn and a link-local address", ErrConfig, ifc.Name)
		}
		if names[ifc.Name] {
			return nil, fmt.Errorf("%w: interface %q given twice", ErrConfig, ifc.Name)
		}
		names[ifc.Name] = true
		if ifc.Cost == 0 {
			ifc.Cost = 1
		}
		if ifc.Cost >= Infinity {
			return nil, fmt.Errorf("%w: interface %q cost %d", ErrConfig, ifc.Name, ifc.Cost)
		}
		if ifc.MTU == 0 {
			ifc.MTU = 1500
		}
		if ifc.MTU > 0xffff {
			return nil, fmt.Errorf("%w: interface %q MTU %d is above 65535", ErrConfig, ifc.Name, ifc.MTU)
		}
		if MaxEntries(ifc.MTU) < 2 {
			return nil, fmt.Errorf("%w: interface %q: %w", ErrConfig, ifc.Name, ErrMTU)
		}
		ics = append(ics, ifaceConf{name: ifc.Name, cost: ifc.Cost, ll: ifc.LinkLocal.WithZone(""), mtu: ifc.MTU})
		conns = append(conns, ifc.Conn)
	}
	return &Speaker{c: newCore(cfg, ics), conns: conns, kick: make(chan struct{}, 1)}, nil
}

// Run runs the speaker until ctx ends: it asks its neighbours for their
// tables, advertises its own, answers requests, and keeps the timers. On
// the way out it sends a final update poisoning every route it advertised,
// ends its reads (with a read deadline) and waits for its goroutines. It
// never closes the conns: their opener does, after Run returns. It returns
// nil after ctx ends, or an error if a conn fails; a second call returns an
// error.
func (s *Speaker) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.ran {
		s.mu.Unlock()
		return errors.New("ripng: speaker already ran")
	}
	s.ran = true
	out := s.c.start(time.Now())
	s.mu.Unlock()
	s.send(out)

	readCtx, stopReads := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	errc := make(chan error, len(s.conns))
	for i, conn := range s.conns {
		stop := netx.CancelReads(readCtx, conn)
		wg.Go(func() {
			defer stop()
			// read returns only on an error: the read deadline set when
			// Run ends, or a broken conn.
			if err := s.read(i, conn); readCtx.Err() == nil {
				errc <- fmt.Errorf("ripng: read on %s: %w", s.c.ifaces[i].name, err)
			}
		})
	}
	var runErr error
	timer := time.NewTimer(0)
	defer timer.Stop()
loop:
	for {
		s.mu.Lock()
		now := time.Now()
		out := s.c.tick(now)
		wait := s.c.next().Sub(now)
		s.mu.Unlock()
		s.send(out)
		timer.Reset(max(wait, 0))
		select {
		case <-ctx.Done():
			break loop
		case runErr = <-errc:
			break loop
		case <-timer.C:
		case <-s.kick:
		}
	}
	s.mu.Lock()
	out = s.c.shutdown()
	s.mu.Unlock()
	s.send(out)
	stopReads()
	wg.Wait()
	return runErr
}

func (s *Speaker) read(i int, conn PacketConn) error {
	buf := make([]byte, 65536)
	for {
		n, pi, err := conn.ReadPacket(buf)
		if err != nil {
			return err
		}
		s.mu.Lock()
		out := s.c.receive(time.Now(), i, buf[:n], pi)
		pending := s.c.trigPending
		s.mu.Unlock()
		s.send(out)
		if pending {
			s.wake()
		}
	}
}

func (s *Speaker) wake() {
	select {
	case s.kick <- struct{}{}:
	default:
	}
}

func (s *Speaker) send(out []outPkt) {
	for _, p := range out {
		if err := s.conns[p.ifi].WritePacket(p.b, p.dst); err != nil {
			s.mu.Lock()
			s.c.stats.SendErrors++
			s.mu.Unlock()
			s.report(fmt.Errorf("ripng: send on %s to %v: %w", s.c.ifaces[p.ifi].name, p.dst, err))
		}
	}
	if s.c.cfg.RouteSync == nil {
		return
	}
	s.syncMu.Lock()
	defer s.syncMu.Unlock()
	s.mu.Lock()
	syncs := s.c.syncs
	s.c.syncs = nil
	s.mu.Unlock()
	for _, op := range syncs {
		var err error
		if op.del {
			err = s.c.cfg.RouteSync.Delete(op.r)
		} else {
			err = s.c.cfg.RouteSync.Add(op.r)
		}
		if err != nil {
			s.report(fmt.Errorf("ripng: route sync %v: %w", op.r.Prefix, err))
		}
	}
}

func (s *Speaker) report(err error) {
	if s.c.cfg.OnError != nil {
		s.c.cfg.OnError(err)
	}
}

// Announce adds or replaces a static route and sends a triggered update.
func (s *Speaker) Announce(r Route) error {
	if err := checkAnnounce(r); err != nil {
		return fmt.Errorf("ripng: %w", err)
	}
	s.mu.Lock()
	s.c.announce(time.Now(), r)
	s.mu.Unlock()
	s.wake()
	return nil
}

// Withdraw stops announcing a static route: it is advertised with metric
// 16 in a triggered update, then removed after garbage collection. It
// reports whether the route was announced.
func (s *Speaker) Withdraw(p netip.Prefix) bool {
	s.mu.Lock()
	ok := s.c.withdraw(time.Now(), p)
	s.mu.Unlock()
	s.wake()
	return ok
}

// SetInterfaceUp tells the speaker an interface went up (it asks for its
// neighbours' tables and sends its own) or down (routes learned there
// become unreachable).
func (s *Speaker) SetInterfaceUp(name string, up bool) {
	s.mu.Lock()
	out := s.c.setUp(time.Now(), name, up)
	s.mu.Unlock()
	s.send(out)
	s.wake()
}
