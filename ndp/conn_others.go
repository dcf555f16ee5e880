//go:build !linux

package ndp

import (
	"context"
	"iter"
	"net"
	"net/netip"
	"time"
)

// SolicitRouters is implemented on Linux only.
func SolicitRouters(ctx context.Context, ifi *net.Interface, wait time.Duration) ([]Router, error) {
	return nil, ErrNotSupported
}

// Resolve is implemented on Linux only.
func Resolve(ctx context.Context, ifi *net.Interface, target netip.Addr, opts *ResolveOptions) (Neighbor, error) {
	return Neighbor{}, ErrNotSupported
}

// ProbeDuplicate is implemented on Linux only.
func ProbeDuplicate(ctx context.Context, ifi *net.Interface, addr netip.Addr, wait time.Duration) (Neighbor, bool, error) {
	return Neighbor{}, false, ErrNotSupported
}

// A Watcher listens passively to NDP traffic (Linux only).
type Watcher struct{}

// NewWatcher is implemented on Linux only.
func NewWatcher(ifi *net.Interface) (*Watcher, error) { return nil, ErrNotSupported }

// Close does nothing.
func (w *Watcher) Close() error { return nil }

// Sightings yields ErrNotSupported.
func (w *Watcher) Sightings(ctx context.Context) iter.Seq2[Sighting, error] {
	return func(yield func(Sighting, error) bool) { yield(Sighting{}, ErrNotSupported) }
}

// A NeighborTable reads the kernel's neighbour cache (Linux only).
type NeighborTable struct{}

// OpenNeighborTable is implemented on Linux only.
func OpenNeighborTable() (*NeighborTable, error) { return nil, ErrNotSupported }

// Close does nothing.
func (t *NeighborTable) Close() error { return nil }

// List is implemented on Linux only.
func (t *NeighborTable) List(ifi *net.Interface, states NeighborState) ([]Neighbor, error) {
	return nil, ErrNotSupported
}

// LocalAddrs is implemented on Linux only.
func (t *NeighborTable) LocalAddrs(ifi *net.Interface) ([]netip.Addr, error) {
	return nil, ErrNotSupported
}

// Neighbors is implemented on Linux only.
func Neighbors(ifi *net.Interface, states NeighborState) ([]Neighbor, error) {
	return nil, ErrNotSupported
}
