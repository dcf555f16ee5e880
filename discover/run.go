package discover

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
)

// endGrace is how long the end of a scan waits for frames beyond those
// already queued in the socket.
const endGrace = 10 * time.Millisecond

// run is one scan's state, owned by the scanning goroutine.
type run struct {
	s        *Scanner
	own      []netip.Addr
	ll       netip.Addr // our link-local source, if any
	id       uint16     // echo identifier
	tb       *table
	queue    []probe
	sentAt   map[probeKey]time.Time
	prefixes []netip.Prefix
	guessed  map[netip.Addr]bool
	rate     *limiter
	// lingering are neighbour cache entries that do not show a host is up
	// (STALE, DELAY, PROBE...): they count at the end only for a host
	// this scan saw answer.
	lingering []ndp.Neighbor
}

func newRun(s *Scanner, own []netip.Addr) *run {
	r := &run{s: s, own: own, id: uint16(rand.Uint32()), tb: newTable(own, s.opts.Vendors),
		sentAt: map[probeKey]time.Time{}, guessed: map[netip.Addr]bool{}, rate: newLimiter(s.opts.Rate)}
	for _, a := range own {
		a = a.WithZone("")
		if a.IsLinkLocalUnicast() && !r.ll.IsValid() {
			r.ll = a
		}
		if a.IsGlobalUnicast() {
			r.addPrefix(netip.PrefixFrom(a, 64).Masked())
		}
	}
	return r
}

func (r *run) addPrefix(p netip.Prefix) bool {
	for _, q := range r.prefixes {
		if q == p {
			return false
		}
	}
	r.prefixes = append(r.prefixes, p)
	return true
}

func (r *run) enabled(m Method) bool { return r.s.opts.Methods&m != 0 }

func (r *run) run(ctx context.Context, yield func(Host, error) bool) {
	if err := r.s.link.SetReadDeadline(time.Time{}); err != nil {
		yield(Host{}, fmt.Errorf("discover: %w", err))
		return
	}
	obsc := make(chan obs, 256)
	errc := make(chan error, 1)
	quit := make(chan struct{})
	rdone := make(chan struct{})
	go func() {
		defer close(rdone)
		r.read(obsc, errc, quit)
	}()
	defer func() {
		close(quit)
		_ = r.s.link.SetReadDeadline(time.Unix(1, 0))
		<-rdone
	}()

	emit := func(h *Host, changed bool) bool {
		return !changed || yield(h.clone(), nil)
	}
	useCache := r.enabled(MethodNeighbor) && r.s.env.neighbors != nil
	if useCache && !r.neighbors(emit, false) {
		return
	}
	r.initialProbes()
	end := time.NewTimer(r.s.opts.Timeout)
	defer end.Stop()
	// Repeat the multicast probes a quarter and half into the scan.
	again := time.NewTimer(r.s.opts.Timeout / 4)
	defer again.Stop()
	rounds := 1
	send := time.NewTimer(0)
	defer send.Stop()
	for {
		var sendc <-chan time.Time
		if len(r.queue) > 0 {
			if d := r.rate.wait(time.Now()); d == 0 {
				p := r.queue[0]
				r.queue = r.queue[1:]
				r.rate.take()
				// Stamp before sending: on a veth the answer can be read
				// before WriteFrame returns.
				if _, ok := r.sentAt[p.key]; !ok {
					r.sentAt[p.key] = time.Now()
				}
				if err := r.s.link.WriteFrame(p.frame); errors.Is(err, v6frame.ErrDropped) {
					// A full queue on the way out (a flooded bridge, say)
					// loses this probe like a lossy wire would; the later
					// rounds make up for it, so the scan goes on.
					continue
				} else if err != nil {
					if ctx.Err() == nil {
						yield(Host{}, fmt.Errorf("discover: send: %w", err))
					}
					return
				}
				continue
			} else {
				send.Reset(d)
				sendc = send.C
			}
		}
		select {
		case <-ctx.Done():
			yield(Host{}, ctx.Err())
			return
		case err := <-errc:
			yield(Host{}, fmt.Errorf("discover: receive: %w", err))
			return
		case <-sendc:
		case <-again.C:
			r.multicastProbes()
			if rounds++; rounds < 3 {
				again.Reset(r.s.opts.Timeout / 4)
			}
		case o := <-obsc:
			if !r.handle(o, emit) {
				return
			}
		case <-end.C:
			// Read what the socket already holds (a reader that fell behind
			// a busy CPU loses nothing), waiting at most endGrace for more.
			_ = r.s.link.SetReadDeadline(time.Now().Add(endGrace))
			for done := false; !done; {
				select {
				case o := <-obsc:
					if !r.handle(o, emit) {
						return
					}
				case <-rdone:
					done = true
				case <-ctx.Done():
					yield(Host{}, ctx.Err())
					return
				}
			}
			for len(obsc) > 0 {
				if !r.handle(<-obsc, emit) {
					return
				}
			}
			if useCache {
				r.neighbors(emit, true)
			}
			return
		}
	}
}

// showsUp are the neighbour cache states that show a host answered
// recently: REACHABLE is a confirmation within ReachableTime (RFC 4861,
// Section 7.3.2). Every other state lingers after a host has left.
const showsUp = ndp.StateReachable

// neighbors reads the neighbour cache. An entry in a state that shows the
// host is up counts at once. Another (STALE, DELAY, PROBE, PERMANENT,
// NOARP) counts only for a host this scan saw answer — else a host that
// left would come back "by neighbor" — so at the start it is solicited
// and kept, and at the end (final) it is added if its MAC answered.
func (r *run) neighbors(emit func(*Host, bool) bool, final bool) bool {
	var ns []ndp.Neighbor
	if final {
		ns = r.lingering
		if fresh, err := r.s.env.neighbors(); err == nil {
			ns = append(ns, fresh...)
		}
	} else {
		var err error
		if ns, err = r.s.env.neighbors(); err != nil {
			return true // the cache is a bonus; the scan goes on without it
		}
	}
	for _, n := range ns {
		if n.State&showsUp == 0 {
			if !final {
				r.lingering = append(r.lingering, n)
				r.solicit(n.Addr.WithZone(""))
				r.guess(n.MAC)
				continue
			}
			if h := r.tb.hosts[string(n.MAC)]; h == nil || h.Methods&methodsActive == 0 {
				continue
			}
		}
		h, changed, newMAC := r.tb.observe(n.MAC, n.Addr, MethodNeighbor, 0, n.Router)
		if h == nil {
			continue
		}
		if newMAC && !final {
			r.guess(h.MAC)
		}
		if !emit(h, changed) {
			return false
		}
	}
	return true
}

func (r *run) handle(o obs, emit func(*Host, bool) bool) bool {
	var rtt time.Duration
	if t, ok := r.sentAt[o.key]; ok && o.key.m != 0 {
		rtt = max(o.at.Sub(t), time.Microsecond)
	}
	for _, p := range o.prefixes {
		if r.addPrefix(p) {
			for _, h := range r.tb.hosts {
				r.guess(h.MAC)
			}
		}
	}
	h, changed, newMAC := r.tb.observe(o.mac, o.addr, o.m, rtt, o.router)
	if h == nil {
		return true
	}
	if newMAC {
		r.guess(h.MAC)
	}
	if o.addr.IsLinkLocalUnicast() {
		r.solicit(o.addr.WithZone("")) // its NA tells whether it routes
	}
	return emit(h, changed)
}

// read classifies frames until quit; it owns its buffer.
func (r *run) read(obsc chan<- obs, errc chan<- error, quit <-chan struct{}) {
	buf := make([]byte, 9216)
	own := map[netip.Addr]bool{}
	for _, a := range r.own {
		own[a.WithZone("")] = true
	}
	for {
		n, err := r.s.link.ReadFrame(buf)
		select {
		case <-quit:
			return
		default:
		}
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			select {
			case errc <- err:
			default:
			}
			return
		}
		var p v6frame.Packet
		if v6frame.Parse(buf[:n], &p) != nil || p.SrcMAC == r.s.env.mac {
			continue
		}
		o, ok := classify(&p, r.id, own)
		if !ok {
			continue
		}
		o.at = time.Now()
		select {
		case obsc <- o:
		case <-quit:
			return
		}
	}
}
