package discover

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"os"
	"time"

	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
)

// Timing of a scan (see the package doc, "When a scan ends").
const (
	// probeRounds is how many times the multicast probes go out, the
	// quiet period's floor over roundsPerQuiet apart (roundGap).
	probeRounds    = 3
	roundsPerQuiet = 4
	// endGrace is how long a scan capped by Timeout waits for frames
	// beyond those already queued in the socket; the queued ones are read
	// whatever the time (see read: a reader behind a busy CPU loses
	// nothing).
	endGrace = 10 * time.Millisecond
	// drainGrace is the same for a scan that ends because the link went
	// quiet: the reader has kept up, so only a frame in flight is left.
	drainGrace = time.Millisecond
	// maxDrain bounds how long the end reads frames already queued.
	maxDrain = 20 * time.Millisecond
)

// errStopped is what run returns when the caller stopped the scan.
var errStopped = errors.New("discover: scan stopped by the caller")

// run is one scan's state, owned by the scanning goroutine.
type run struct {
	s   *Scanner
	own []netip.Addr
	ll  netip.Addr // our link-local source, if any
	id  uint16     // echo identifier
	seq uint16     // the last echo sequence number used (nextSeq)
	tb  *table
	// queue holds the probes that find hosts and addresses, sent first;
	// guesses the solicitations of EUI-64 guesses, sent once queue is
	// empty (a guess often lapses meanwhile); asks those that only ask a
	// host found something more (whether it routes), sent last, once the
	// rounds are over. On a big link a thousand of the later ones must
	// not hold back the first. An ask for an address already queued (its
	// EUI-64 link-local guessed, a cache entry) rides with that probe: one
	// NS per target.
	queue    []probe
	guesses  []probe
	asks     []probe
	sentAt   map[probeKey]time.Time
	prefixes []netip.Prefix
	guessed  map[netip.Addr]nsReason // NS targets queued, and why
	rate     *limiter
	// lingering are neighbour cache entries that do not show a host is up
	// (STALE, DELAY, PROBE...): they count at the end only for a host
	// this scan saw answer.
	lingering []ndp.Neighbor
	// directed are the probes queued once the rounds are over (see
	// direct); after that, direct queues them at once.
	directed   []probe
	roundsOver bool
	// waiting are the MACs of lingering entries that have not answered.
	waiting map[string]bool
	// For the end of the scan: the last probe sent or news read, the
	// slowest host's round trip, and the fastest round trip per host
	// (MLD reports are left out: hosts delay them at random on purpose).
	last       time.Time // the last probe sent or answer that taught something (sighting.news)
	lastAnswer time.Time
	slowest    time.Duration
	inherited  time.Duration // the slowest round trip of the scanner's last scan
	fastest    map[string]time.Duration
	sent       int // frames sent, for Stats
}

func newRun(s *Scanner, own []netip.Addr) *run {
	r := &run{s: s, own: own, id: uint16(rand.Uint32()), tb: newTable(own, s.vendors, s.env.zone),
		sentAt: map[probeKey]time.Time{}, guessed: map[netip.Addr]nsReason{}, rate: newLimiter(s.opts.Rate),
		inherited: s.slowest, fastest: map[string]time.Duration{}, waiting: map[string]bool{}}
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

// floor is the quiet period's floor: Options.Quiet, or the link's default.
func (r *run) floor() time.Duration {
	switch {
	case r.s.opts.Quiet > 0:
		return r.s.opts.Quiet
	case r.s.env.wireless:
		return SleepyQuiet
	}
	return DefaultQuiet
}

// quiet is how long the link must stay silent for the scan to end: the
// floor, or twice the slowest host's round trip (in this scan or the
// scanner's last one) if that is longer.
func (r *run) quiet() time.Duration {
	return min(max(r.floor(), 2*r.slowest, 2*r.inherited), r.s.opts.Timeout)
}

// pending reports whether a host the neighbour cache knows has not
// answered yet: it may be a Wi-Fi station asleep until the next DTIM
// beacon.
func (r *run) pending() bool { return len(r.waiting) > 0 }

// run scans until the link has gone quiet after the last probe round, or
// until Timeout, calling emit for every sighting. It returns errStopped
// when emit returned false, and nil when the scan ended normally.
func (r *run) run(ctx context.Context, emit func(*Host, sighting) bool) error {
	if err := r.s.link.SetReadDeadline(time.Time{}); err != nil {
		return fmt.Errorf("discover: %w", err)
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

	start := time.Now()
	capAt := start.Add(r.s.opts.Timeout)
	// Probing stops endGrace before the cap (a quarter of a tiny
	// Timeout), so that reading what is in flight ends by Timeout — bar
	// frames already queued in the socket, read for at most maxDrain.
	endAt := capAt.Add(-min(endGrace, r.s.opts.Timeout/4))
	// A write waiting for room in a flooded link's queue must not hold
	// the scan past its cap.
	_ = r.s.link.SetWriteDeadline(capAt)
	defer r.s.link.SetWriteDeadline(time.Time{})
	r.last = start
	// The first probes go before anything else: the neighbour cache is
	// read (and hosts reported) while they travel.
	r.initialProbes()
	useCache := r.enabled(MethodNeighbor) && r.s.env.neighbors != nil
	cacheRead := false
	rounds := 1
	nextRound := start.Add(r.roundGap())
	wake := time.NewTimer(time.Hour)
	defer wake.Stop()
	for {
		now := time.Now()
		if !now.Before(endAt) {
			return r.end(ctx, obsc, rdone, capAt.Sub(endAt), useCache, emit)
		}
		if r.queued() {
			if d := r.rate.wait(now); d == 0 {
				if err := r.send(ctx); err != nil {
					return err
				}
				continue
			} else {
				wake.Reset(d)
			}
		}
		if !cacheRead && useCache {
			cacheRead = true
			if !r.neighbors(emit, false) {
				return errStopped
			}
			continue
		}
		if due := r.roundDue(nextRound); rounds < probeRounds && !now.Before(due) {
			r.multicastProbes()
			if rounds++; rounds == probeRounds {
				// The rounds are over: now ask each host that has not
				// answered from every prefix, paced by the rate.
				r.queue = append(r.queue, r.directed...)
				r.directed, r.roundsOver = nil, true
			}
			nextRound = now.Add(r.roundGap())
			continue
		}
		next := endAt
		if rounds < probeRounds {
			next = r.roundDue(nextRound)
		} else if !r.queued() {
			quietAt := r.last.Add(r.quiet())
			if r.pending() {
				quietAt = later(quietAt, start.Add(SleepyQuiet))
			}
			// Answers read but not yet handled may be news: handle them
			// first (the select below takes them).
			if !now.Before(quietAt) && len(obsc) == 0 {
				return r.end(ctx, obsc, rdone, drainGrace, useCache, emit)
			}
			next = quietAt
		}
		if !r.queued() {
			if next.After(endAt) {
				next = endAt
			}
			wake.Reset(next.Sub(now))
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case err := <-errc:
			return fmt.Errorf("discover: receive: %w", err)
		case <-wake.C:
		case o := <-obsc:
			if !r.handle(o, emit) {
				return errStopped
			}
		}
	}
}

// roundGap is the time between probe rounds: a quarter of the quiet
// period's floor (or of Timeout, if that is shorter). The rounds make up for lost probes and answers, not for
// slow hosts — answers to an earlier round still count, and the quiet
// period at the end waits for the slowest — so a slow host must not
// spread them out.
func (r *run) roundGap() time.Duration {
	return min(r.floor(), r.s.opts.Timeout) / roundsPerQuiet
}

// roundDue is when the next probe round goes out: at next (a round gap
// after the last), once the answers have paused as long — a big link's
// burst of answers is not met by another probe — but no later than a
// floor's worth of time after next, for a link whose answers never pause
// (a thousand hosts' MLD reports, late repeats) must still get its rounds
// and the directed probes that follow them.
func (r *run) roundDue(next time.Time) time.Time {
	gap := r.roundGap()
	return later(next, earlier(r.lastAnswer.Add(gap), next.Add(roundsPerQuiet*gap)))
}

func earlier(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// queued reports whether a probe waits to be sent. The asks wait for the
// rounds to be over: sent between rounds, they would take the rate from
// the rounds and from the probes that find.
func (r *run) queued() bool {
	return len(r.queue)+len(r.guesses) > 0 || r.roundsOver && len(r.asks) > 0
}

// send sends the next queued probe: from queue, else guesses, else asks.
func (r *run) send(ctx context.Context) error {
	var p probe
	switch {
	case len(r.queue) > 0:
		p, r.queue = r.queue[0], r.queue[1:]
	case len(r.guesses) > 0:
		p, r.guesses = r.guesses[0], r.guesses[1:]
	default:
		p, r.asks = r.asks[0], r.asks[1:]
	}
	if p.obsolete != nil && p.obsolete() {
		return nil
	}
	r.rate.take()
	// Stamp before sending: on a veth the answer can be read before
	// WriteFrame returns.
	now := time.Now()
	if _, ok := r.sentAt[p.key]; !ok {
		r.sentAt[p.key] = now
	}
	r.sent++
	err := r.s.link.WriteFrame(p.frame)
	// The quiet period runs from when the probe left: a send can take
	// long when the kernel does the link's work on our thread (a bridge
	// flooding a big link), and the answers need their time after it.
	r.last = later(r.last, time.Now())
	if errors.Is(err, v6frame.ErrDropped) || errors.Is(err, os.ErrDeadlineExceeded) {
		// A full queue on the way out (a flooded bridge, say) loses this
		// probe like a lossy wire would; the later rounds make up for it,
		// so the scan goes on.
		return nil
	} else if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return fmt.Errorf("discover: send: %w", err)
	}
	return nil
}

// end reads what the socket already holds, waiting at most grace for
// more, then the neighbour cache, and keeps the slowest round trip for the
// next scan.
func (r *run) end(ctx context.Context, obsc <-chan obs, rdone <-chan struct{}, grace time.Duration, useCache bool, emit func(*Host, sighting) bool) error {
	_ = r.s.link.SetReadDeadline(time.Now().Add(grace))
	for done := false; !done; {
		select {
		case o := <-obsc:
			if !r.handle(o, emit) {
				return errStopped
			}
		case <-rdone:
			done = true
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	for len(obsc) > 0 {
		if !r.handle(<-obsc, emit) {
			return errStopped
		}
	}
	if useCache && !r.neighbors(emit, true) {
		return errStopped
	}
	r.s.slowest = r.slowest
	return nil
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
func (r *run) neighbors(emit func(*Host, sighting) bool, final bool) bool {
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
				if h := r.tb.hosts[string(n.MAC)]; h == nil || h.Methods&methodsActive == 0 {
					r.waiting[string(n.MAC)] = true
				}
				r.solicit(n.Addr.WithZone(""), n.MAC, nsCache)
				r.guess(n.MAC)
				continue
			}
			if h := r.tb.hosts[string(n.MAC)]; h == nil || h.Methods&methodsActive == 0 {
				continue
			}
		}
		h, c := r.tb.observe(n.MAC, n.Addr, MethodNeighbor, 0, n.Router)
		if h == nil {
			continue
		}
		if c.newMAC && !final {
			r.guess(h.MAC)
		}
		if !emit(h, c) {
			return false
		}
	}
	return true
}

func (r *run) handle(o obs, emit func(*Host, sighting) bool) bool {
	var rtt time.Duration
	if t, ok := r.sentAt[o.key]; ok && o.key.m != 0 {
		rtt = max(o.at.Sub(t), time.Microsecond)
	}
	if o.key.m != 0 {
		r.lastAnswer = later(r.lastAnswer, o.at)
	}
	if rtt > 0 && o.m != MethodMLD && len(o.mac) == 6 {
		r.faster(string(o.mac), rtt)
	}
	for _, p := range o.prefixes {
		if r.addPrefix(p) {
			for _, h := range r.tb.hosts {
				r.guess(h.MAC)
			}
		}
	}
	h, c := r.tb.observe(o.mac, o.addr, o.m, rtt, o.router)
	if h == nil {
		return true
	}
	if o.key.m != 0 && c.news() {
		// An answer that taught something: the link is not quiet yet.
		// One that repeats what the scan knows (a host answering the
		// next round, a known host's late MLD report) does not hold the
		// scan open.
		r.last = later(r.last, o.at)
	}
	if o.m&methodsActive != 0 {
		delete(r.waiting, string(h.MAC))
	}
	if c.newMAC {
		r.guess(h.MAC)
		r.direct(h.MAC)
	}
	if o.addr.IsLinkLocalUnicast() {
		r.solicit(o.addr.WithZone(""), h.MAC, nsSeen) // its NA tells whether it routes
	}
	return emit(h, c)
}

// faster records a host's round trip and keeps the slowest host's
// fastest round trip, in constant time unless that host got faster.
func (r *run) faster(mac string, rtt time.Duration) {
	f, ok := r.fastest[mac]
	if ok && rtt >= f {
		return
	}
	r.fastest[mac] = rtt
	if !ok || f < r.slowest {
		r.slowest = max(r.slowest, rtt)
		return
	}
	r.slowest = 0
	for _, f := range r.fastest {
		r.slowest = max(r.slowest, f)
	}
}

// pender is a link that can tell whether frames wait in its receive
// queue (v6frame.Conn).
type pender interface{ Pending() (bool, error) }

// read classifies frames until quit; it owns its buffer.
func (r *run) read(obsc chan<- obs, errc chan<- error, quit <-chan struct{}) {
	buf := make([]byte, 9216)
	own := map[netip.Addr]bool{}
	for _, a := range r.own {
		own[a.WithZone("")] = true
	}
	var drainUntil time.Time
	for {
		n, err := r.s.link.ReadFrame(buf)
		select {
		case <-quit:
			return
		default:
		}
		if err != nil {
			// Past the end's deadline Go refuses every read, even of
			// frames the socket already holds: drain those first, a
			// millisecond at a time, for at most maxDrain of wall time
			// (a busy LAN's traffic never leaves the queue empty, and
			// Timeout stays the cap).
			if p, ok := r.s.link.(pender); ok && errors.Is(err, os.ErrDeadlineExceeded) {
				now := time.Now()
				if drainUntil.IsZero() {
					drainUntil = now.Add(maxDrain)
				}
				if queued, _ := p.Pending(); queued && now.Before(drainUntil) && r.s.link.SetReadDeadline(now.Add(time.Millisecond)) == nil {
					continue
				}
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
