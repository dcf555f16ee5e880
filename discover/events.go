package discover

import (
	"context"
	"iter"
	"slices"
	"time"
)

// EventKind says what a scan found.
type EventKind uint8

// Kinds of event.
const (
	FoundHost EventKind = iota + 1 // a MAC answered for the first time in this scan
	FoundAddr                      // a host showed an address for the first time in this scan
)

func (k EventKind) String() string {
	switch k {
	case FoundHost:
		return "host"
	case FoundAddr:
		return "addr"
	}
	return "unknown"
}

// An Event is one thing a scan found, as soon as it found it.
type Event struct {
	Kind EventKind
	// Host is a snapshot of the host as known at the event, with the new
	// address for FoundAddr.
	Host Host
	// Addr is the new address, for FoundAddr; a link-local one is zoned
	// with the interface index, as in Host.
	Addr Addr
	Time time.Time
}

// Events probes the link once, as Scan does, and yields an Event for each
// host found (FoundHost) and for each of its addresses (FoundAddr), as
// answers arrive: the streaming form of Scan for tools that act per host
// or per address (a DNS updater, a dashboard).
//
// Ordering: events come in the order the scanner learnt things. A host's
// FoundHost comes before any FoundAddr of it; every address a host shows
// in the scan has exactly one FoundAddr, including the one the host was
// found by (so FoundHost's snapshot holds at most that one address). A
// neighbour cache entry that counts only because its host answered (see
// Scan) comes at the end of the scan.
//
// End: the sequence ends when the scan does — the link has gone quiet
// after the last probe round, or Options.Timeout has passed — or when the
// caller breaks out of the loop; either way the scan's goroutines have
// ended when the loop is over. Cancelling ctx ends it with ctx's error,
// yielded once as the last element. Events and Scan report the same
// hosts and addresses.
func (s *Scanner) Events(ctx context.Context) iter.Seq2[Event, error] {
	return func(yield func(Event, error) bool) {
		s.scan(ctx, func(h *Host, c sighting) bool {
			if c.newMAC && !yield(Event{Kind: FoundHost, Host: h.clone(), Time: time.Now()}, nil) {
				return false
			}
			if c.newAddr {
				snap := h.clone()
				a := c.addr
				if i := slices.IndexFunc(snap.Addrs, func(x Addr) bool { return x.Addr == a.Addr }); i >= 0 {
					a.Kind = snap.Addrs[i].Kind
				}
				return yield(Event{Kind: FoundAddr, Host: snap, Addr: a, Time: time.Now()}, nil)
			}
			return true
		}, func(err error) { yield(Event{}, err) })
	}
}
