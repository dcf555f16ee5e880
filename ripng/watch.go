package ripng

import (
	"context"
	"errors"
	"fmt"
	"net/netip"
	"sync"

	"github.com/v6kit/v6kit/internal/netx"
)

// InterfaceWatcher follows link and address changes of a speaker's
// interfaces. When an interface loses its link or its link-local address,
// the routes learned there become unreachable; when both are back (the
// address no longer tentative), the speaker asks its neighbours there for
// their tables and sends its own (RFC 2080 §2.4.1). The interfaces must
// keep the link-local addresses their Conns were opened with.
//
// [NewInterfaceWatcher] opens its netlink subscriptions, [InterfaceWatcher.Run]
// applies the changes, [InterfaceWatcher.Close] closes the subscriptions.
type InterfaceWatcher struct {
	s       *Speaker
	byIndex map[int]*watchState
	events  chan ifEvent
	done    chan struct{}

	mu     sync.Mutex
	ran    bool
	closed bool
	err    error // the subscription's first error
}

type watchState struct {
	name         string
	ll           netip.Addr
	linkOK, llOK bool
}

// ifEvent is one link or address change of interface index.
type ifEvent struct {
	index int
	link  bool       // a link change (else an address change)
	ok    bool       // link: up with carrier; address: present and usable
	addr  netip.Addr // address changes: the address
}

// NewInterfaceWatcher subscribes to link and address changes in the
// caller's network namespace (so it can be created on a thread inside a
// namespace and run from any goroutine) and looks s's interfaces up there.
// Close it when done.
func NewInterfaceWatcher(s *Speaker) (*InterfaceWatcher, error) {
	if s == nil {
		return nil, errors.New("ripng: watch: nil speaker")
	}
	byIndex := map[int]*watchState{}
	for _, i := range s.Interfaces() {
		ifi, err := netx.Interface(i.Name)
		if err != nil {
			return nil, fmt.Errorf("ripng: watch: %w", err)
		}
		byIndex[ifi.Index] = &watchState{name: i.Name, ll: i.LinkLocal, linkOK: true, llOK: true}
	}
	w := &InterfaceWatcher{s: s, byIndex: byIndex, events: make(chan ifEvent, 64), done: make(chan struct{})}
	if err := subscribe(w.done, w.events, w.fail); err != nil {
		close(w.done)
		return nil, fmt.Errorf("ripng: watch: %w", err)
	}
	return w, nil
}

func (w *InterfaceWatcher) fail(err error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.err == nil && !w.closed {
		w.err = err
	}
}

// Run applies the changes until ctx ends (it returns nil) or the
// subscription fails. It does not close the subscription; a second call
// returns an error.
func (w *InterfaceWatcher) Run(ctx context.Context) error {
	w.mu.Lock()
	if w.ran || w.closed {
		w.mu.Unlock()
		return errors.New("ripng: watch: already ran or closed")
	}
	w.ran = true
	w.mu.Unlock()
	for {
		select {
		case <-ctx.Done():
			return nil
		case ev, ok := <-w.events:
			if !ok {
				w.mu.Lock()
				err := w.err
				w.mu.Unlock()
				if ctx.Err() != nil {
					return nil
				}
				return fmt.Errorf("ripng: watch: netlink subscription ended: %v", err)
			}
			if name, up, ok := w.apply(ev); ok {
				w.s.SetInterfaceUp(name, up)
			}
		}
	}
}

// apply records ev and returns the interface it concerns and whether it is
// usable now; ok is false for events about other interfaces or addresses.
func (w *InterfaceWatcher) apply(ev ifEvent) (name string, up, ok bool) {
	st := w.byIndex[ev.index]
	if st == nil {
		return "", false, false
	}
	if ev.link {
		st.linkOK = ev.ok
	} else {
		if ev.addr != st.ll {
			return "", false, false
		}
		st.llOK = ev.ok
	}
	return st.name, st.linkOK && st.llOK, true
}

// Close ends the subscriptions. It is safe to call more than once.
func (w *InterfaceWatcher) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.done)
	for range w.events { // let the subscription goroutines end
	}
	return nil
}
