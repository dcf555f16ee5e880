package discover

import (
	"context"
	"fmt"
	"iter"
	"net/netip"
	"time"
)

// ChangeKind says what happened to a host.
type ChangeKind uint8

// Kinds of change.
const (
	Joined  ChangeKind = iota + 1 // first answered
	Left                          // stopped answering for WatchOptions.Misses scans
	Added                         // a present host gained addresses (Change.Addrs)
	Removed                       // a present host's addresses went silent for WatchOptions.Misses scans
)

func (k ChangeKind) String() string {
	switch k {
	case Joined:
		return "joined"
	case Left:
		return "left"
	case Added:
		return "added"
	case Removed:
		return "removed"
	}
	return "unknown"
}

// A Change is one host joining or leaving the link, or gaining addresses.
type Change struct {
	Kind ChangeKind
	Host Host // the host as now known; for Left, as last seen
	// Addrs are the addresses this change is about: for Joined every
	// address known so far, for Added the new ones, for Removed the silent
	// ones, for Left every one reported and not removed.
	Addrs []Addr
	Time  time.Time
}

// WatchOptions tune Watch. The zero value scans every 10 s and declares a
// host gone after 2 silent scans.
type WatchOptions struct {
	Interval time.Duration // pause between scans (default 10 s)
	Misses   int           // silent scans before Left (default 2)
}

// Watch scans the link again and again and yields a Change when a host
// first answers (Joined, as soon as it does, mid-scan), each time a present
// host shows addresses not reported before (Added: a global address found
// after the link-local, a new temporary address), when some of a present
// host's addresses stayed silent for WatchOptions.Misses scans in a row
// (Removed: an expired temporary address), and when the whole host has
// (Left). Joined and Added announce every address that Removed and Left
// withdraw. A host is
// present when Scan reports it, so the two agree: a host that only lingers
// STALE in the neighbour cache is neither. A link-local address is zoned
// with the interface index, as in Scan. Each scan ends once the link is
// quiet (see Options.Quiet), so Interval is the pause between scans, not
// between their starts. Negative options are an error, yielded once. Cancelling ctx ends the watch without an
// error.
func (s *Scanner) Watch(ctx context.Context, o *WatchOptions) iter.Seq2[Change, error] {
	var wo WatchOptions
	if o != nil {
		wo = *o
	}
	return func(yield func(Change, error) bool) {
		switch {
		case wo.Interval < 0:
			yield(Change{}, fmt.Errorf("discover: negative WatchOptions.Interval %v", wo.Interval))
			return
		case wo.Misses < 0:
			yield(Change{}, fmt.Errorf("discover: negative WatchOptions.Misses %d", wo.Misses))
			return
		}
		if wo.Interval == 0 {
			wo.Interval = 10 * time.Second
		}
		if wo.Misses == 0 {
			wo.Misses = 2
		}
		known := map[string]*watchState{}
		for ctx.Err() == nil {
			seen := map[string]bool{}
			for h, err := range s.Scan(ctx) {
				if err != nil {
					if ctx.Err() != nil {
						return
					}
					yield(Change{}, err)
					return
				}
				k := string(h.MAC)
				seen[k] = true
				st, ok := known[k]
				if !ok {
					st = &watchState{host: h, reported: map[netip.Addr]*Addr{}, silent: map[netip.Addr]int{}}
					known[k] = st
				}
				st.host, st.misses = h, 0
				var fresh []Addr
				for _, a := range h.Addrs {
					if st.reported[a.Addr] == nil {
						fresh = append(fresh, a)
					}
					st.reported[a.Addr] = &a
				}
				switch {
				case !ok:
					if !yield(Change{Kind: Joined, Host: h, Addrs: fresh, Time: time.Now()}, nil) {
						return
					}
				case len(fresh) > 0:
					if !yield(Change{Kind: Added, Host: h, Addrs: fresh, Time: time.Now()}, nil) {
						return
					}
				}
			}
			if ctx.Err() != nil {
				return
			}
			for k, st := range known {
				if seen[k] {
					if gone := st.silence(wo.Misses); len(gone) > 0 {
						if !yield(Change{Kind: Removed, Host: st.host, Addrs: gone, Time: time.Now()}, nil) {
							return
						}
					}
					continue
				}
				if st.misses++; st.misses >= wo.Misses {
					delete(known, k)
					if !yield(Change{Kind: Left, Host: st.host, Addrs: sorted(st.reported), Time: time.Now()}, nil) {
						return
					}
				}
			}
			t := time.NewTimer(wo.Interval)
			select {
			case <-ctx.Done():
				t.Stop()
				return
			case <-t.C:
			}
		}
	}
}

// watchState is what Watch knows of a host.
type watchState struct {
	host     Host                 // as last seen
	misses   int                  // scans in a row that did not see it
	reported map[netip.Addr]*Addr // announced, not withdrawn
	silent   map[netip.Addr]int   // scans in a row an announced address missed
}

// silence counts the announced addresses the last scan (st.host) did not
// see, and withdraws and returns those silent for misses scans.
func (st *watchState) silence(misses int) []Addr {
	now := map[netip.Addr]bool{}
	for _, a := range st.host.Addrs {
		now[a.Addr] = true
	}
	var gone []Addr
	for a, r := range st.reported {
		if now[a] {
			delete(st.silent, a)
			continue
		}
		if st.silent[a]++; st.silent[a] >= misses {
			gone = append(gone, *r)
			delete(st.reported, a)
			delete(st.silent, a)
		}
	}
	sortAddrs(gone)
	return gone
}

// sorted lists addresses as a Host does.
func sorted(m map[netip.Addr]*Addr) []Addr {
	out := make([]Addr, 0, len(m))
	for _, a := range m {
		out = append(out, *a)
	}
	sortAddrs(out)
	return out
}
