package discover

import (
	"context"
	"iter"
	"time"
)

// ChangeKind says what happened to a host.
type ChangeKind uint8

// Kinds of change.
const (
	Joined ChangeKind = iota + 1 // first answered
	Left                         // stopped answering for WatchOptions.Misses scans
)

func (k ChangeKind) String() string {
	switch k {
	case Joined:
		return "joined"
	case Left:
		return "left"
	}
	return "unknown"
}

// A Change is one host joining or leaving the link.
type Change struct {
	Kind ChangeKind
	Host Host // for Left, the host as last seen
	Time time.Time
}

// WatchOptions tune Watch. The zero value scans every 10 s and declares a
// host gone after 2 silent scans.
type WatchOptions struct {
	Interval time.Duration // pause between scans (default 10 s)
	Misses   int           // silent scans before Left (default 2)
}

// Watch scans the link again and again and yields a Change when a host
// first answers (as soon as it does, mid-scan) and when it has stayed
// silent for WatchOptions.Misses scans in a row. Only active answers count:
// a host that only lingers in the neighbour cache does not keep itself
// present. Cancelling ctx ends the watch without an error.
func (s *Scanner) Watch(ctx context.Context, o *WatchOptions) iter.Seq2[Change, error] {
	var wo WatchOptions
	if o != nil {
		wo = *o
	}
	if wo.Interval <= 0 {
		wo.Interval = 10 * time.Second
	}
	if wo.Misses <= 0 {
		wo.Misses = 2
	}
	return func(yield func(Change, error) bool) {
		type state struct {
			host   Host
			misses int
		}
		known := map[string]*state{}
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
				if h.Methods&methodsActive == 0 {
					continue
				}
				k := string(h.MAC)
				seen[k] = true
				if st, ok := known[k]; ok {
					st.host, st.misses = h, 0
					continue
				}
				known[k] = &state{host: h}
				if !yield(Change{Kind: Joined, Host: h, Time: time.Now()}, nil) {
					return
				}
			}
			if ctx.Err() != nil {
				return
			}
			for k, st := range known {
				if seen[k] {
					continue
				}
				if st.misses++; st.misses >= wo.Misses {
					delete(known, k)
					if !yield(Change{Kind: Left, Host: st.host, Time: time.Now()}, nil) {
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
