package discover

import (
	"bytes"
	"context"
	"fmt"
	"iter"
	"net/netip"
	"slices"
	"sync"
	"time"

	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/v6kit/v6kit/ndp"
)

// link is what the engine needs of the wire: whole Ethernet frames in and
// out. On Linux it is a packet socket; tests use an in-memory link.
type link interface {
	ReadFrame(b []byte) (int, error)
	WriteFrame(b []byte) error
	SetReadDeadline(t time.Time) error
	SetWriteDeadline(t time.Time) error
	Close() error
}

// env is what the engine needs of its own interface.
type env struct {
	mac       v6frame.MAC
	zone      string                         // the interface's index, for link-local addresses
	wireless  bool                           // the link has 802.11 stations in it: hosts may sleep
	addrs     func() ([]netip.Addr, error)   // our addresses, read at each scan
	neighbors func() ([]ndp.Neighbor, error) // the neighbour cache; may be nil
}

// Options tune a Scanner. The zero value is a scan of at most one second
// that ends once the link has answered, with every technique at up to 2000
// packets per second. Negative values and unknown methods are errors.
type Options struct {
	// Timeout caps a scan (default 1 s). Hosts are reported as they
	// answer, usually within milliseconds, and a scan ends before Timeout
	// once the link has gone quiet (see Quiet).
	Timeout time.Duration
	// Quiet is the least time the link must stay silent — no probe sent,
	// no answer that taught the scan something new — after the last probe
	// round, for a scan to end before Timeout.
	// The scan waits max(Quiet, 2 × the slowest host's round trip). The
	// default is DefaultQuiet on a wired link and SleepyQuiet on a
	// wireless one (see the package doc); set it to Timeout to always
	// listen for the whole Timeout.
	Quiet time.Duration
	// Rate bounds the packets sent per second (default 2000, burst 32).
	Rate int
	// Methods selects techniques (default MethodsAll).
	Methods Method
	// Vendors names MAC vendors (default: LoadVendors, once per process).
	Vendors *Vendors
}

// Defaults.
const (
	DefaultTimeout = time.Second
	DefaultRate    = 2000
	// DefaultQuiet is the quiet period's floor on a wired link: hosts
	// answer within a millisecond or two; the rest is margin for a busy
	// CPU on either side.
	DefaultQuiet = 25 * time.Millisecond
	// SleepyQuiet is the floor on a wireless link, and how long a scan
	// waits for a host the neighbour cache knows but that has not answered
	// yet: a Wi-Fi station in power save receives multicast only after the
	// access point's next DTIM beacon, a beacon interval (102.4 ms) times
	// the DTIM period (1 to 3) away.
	SleepyQuiet = 350 * time.Millisecond
)

// check returns an error for options out of range.
func (o *Options) check() error {
	switch {
	case o.Timeout < 0:
		return fmt.Errorf("discover: negative Options.Timeout %v; give a positive duration or 0 for %v", o.Timeout, DefaultTimeout)
	case o.Quiet < 0:
		return fmt.Errorf("discover: negative Options.Quiet %v; give a positive duration, or 0 for the default", o.Quiet)
	case o.Rate < 0:
		return fmt.Errorf("discover: negative Options.Rate %d; give packets per second, or 0 for %d", o.Rate, DefaultRate)
	case o.Methods&^MethodsAll != 0:
		return fmt.Errorf("discover: unknown Options.Methods bits %#x", uint16(o.Methods&^MethodsAll))
	}
	return nil
}

// A Scanner finds the IPv6 hosts on one link. One scan runs at a time;
// Scan and Watch block each other. NewScanner opens its sockets and Close
// releases them.
type Scanner struct {
	link    link
	env     env
	opts    Options
	vendors func() *Vendors
	mu      sync.Mutex
	// slowest is the slowest host's round trip seen by the last scans: a
	// link that once answered slowly is waited for as long next time.
	slowest time.Duration
}

// sharedVendors is the embedded registry shared by the scanners given no
// Vendors, so that the parts of it one inflates serve the others.
var sharedVendors = sync.OnceValues(LoadVendors)

func newScanner(l link, e env, o *Options) (*Scanner, error) {
	s := &Scanner{link: l, env: e}
	if o != nil {
		s.opts = *o
	}
	if err := s.opts.check(); err != nil {
		return nil, err
	}
	if s.opts.Timeout == 0 {
		s.opts.Timeout = DefaultTimeout
	}
	if s.opts.Rate == 0 {
		s.opts.Rate = DefaultRate
	}
	if s.opts.Methods == 0 {
		s.opts.Methods = MethodsAll
	}
	if v := s.opts.Vendors; v != nil {
		s.vendors = func() *Vendors { return v }
	} else {
		// A corrupt table (a build error the tests catch) names no
		// vendor.
		s.vendors = func() *Vendors { v, _ := sharedVendors(); return v }
	}
	return s, nil
}

// Close releases the scanner's sockets; a running scan ends.
func (s *Scanner) Close() error { return s.link.Close() }

// Scan probes the link once and yields a snapshot of a Host each time one
// is found or gains an address, a technique or the router flag, as answers
// arrive, until the link has gone quiet (Options.Quiet) or Options.Timeout
// has passed. Neighbour cache entries count for a host that answered
// during the scan, or that the cache holds as REACHABLE; a STALE entry of
// a host that has left does not bring it back. Cancelling ctx ends the
// scan early and yields ctx's error. When the loop is over, whether the
// scan ended or the caller broke out, the scan's goroutines have ended.
func (s *Scanner) Scan(ctx context.Context) iter.Seq2[Host, error] {
	return func(yield func(Host, error) bool) {
		s.scan(ctx, func(h *Host, c sighting) bool { return !c.changed || yield(h.clone(), nil) },
			func(err error) { yield(Host{}, err) })
	}
}

// scan runs one scan, calling emit for every sighting of a host and fail
// (at most once, as the last call) with the error that ended it.
func (s *Scanner) scan(ctx context.Context, emit func(*Host, sighting) bool, fail func(error)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	own, err := s.env.addrs()
	if err != nil {
		fail(fmt.Errorf("discover: own addresses: %w", err))
		return
	}
	r := newRun(s, own)
	if err := r.run(ctx, emit); err != nil && err != errStopped {
		fail(err)
	}
}

// ScanAll runs Scan to the end and returns every host, sorted by MAC.
func (s *Scanner) ScanAll(ctx context.Context) ([]Host, error) {
	byMAC := map[string]Host{}
	for h, err := range s.Scan(ctx) {
		if err != nil {
			return nil, err
		}
		byMAC[string(h.MAC)] = h
	}
	return sortHosts(byMAC), nil
}

// sortHosts lists the latest snapshots by MAC.
func sortHosts(byMAC map[string]Host) []Host {
	out := make([]Host, 0, len(byMAC))
	for _, h := range byMAC {
		out = append(out, h)
	}
	slices.SortFunc(out, func(a, b Host) int { return bytes.Compare(a.MAC, b.MAC) })
	return out
}
