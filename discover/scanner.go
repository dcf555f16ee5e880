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
	Close() error
}

// env is what the engine needs of its own interface.
type env struct {
	mac       v6frame.MAC
	addrs     func() ([]netip.Addr, error)   // our addresses, read at each scan
	neighbors func() ([]ndp.Neighbor, error) // the neighbour cache; may be nil
}

// Options tune a Scanner. The zero value is a one-second scan with every
// technique at up to 2000 packets per second. Negative values and unknown
// methods are errors.
type Options struct {
	// Timeout is how long a scan listens for answers (default 1 s). Hosts
	// are reported as they answer, usually within milliseconds.
	Timeout time.Duration
	// Rate bounds the packets sent per second (default 2000, burst 32).
	Rate int
	// Methods selects techniques (default MethodsAll).
	Methods Method
	// Vendors names MAC vendors (default: LoadVendors).
	Vendors *Vendors
}

// Defaults.
const (
	DefaultTimeout = time.Second
	DefaultRate    = 2000
)

// check returns an error for options out of range.
func (o *Options) check() error {
	switch {
	case o.Timeout < 0:
		return fmt.Errorf("discover: negative Options.Timeout %v; give a positive duration or 0 for %v", o.Timeout, DefaultTimeout)
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
	link link
	env  env
	opts Options
	mu   sync.Mutex
}

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
	if s.opts.Vendors == nil {
		v, err := LoadVendors()
		if err != nil {
			return nil, err
		}
		s.opts.Vendors = v
	}
	return s, nil
}

// Close releases the scanner's sockets; a running scan ends.
func (s *Scanner) Close() error { return s.link.Close() }

// Scan probes the link once and yields a snapshot of a Host each time one
// is found or gains an address, a technique or the router flag, as answers
// arrive, until Options.Timeout passes. Neighbour cache entries count for
// a host that answered during the scan, or that the cache holds as
// REACHABLE; a STALE entry of a host that has left does not bring it back.
// Cancelling ctx ends the scan early and yields ctx's error.
func (s *Scanner) Scan(ctx context.Context) iter.Seq2[Host, error] {
	return func(yield func(Host, error) bool) {
		s.mu.Lock()
		defer s.mu.Unlock()
		own, err := s.env.addrs()
		if err != nil {
			yield(Host{}, fmt.Errorf("discover: own addresses: %w", err))
			return
		}
		r := newRun(s, own)
		r.run(ctx, yield)
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
