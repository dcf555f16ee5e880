//go:build !linux

package ripng

import "context"

// WatchInterfaces is not supported outside Linux; call
// [Speaker.SetInterfaceUp] yourself.
func WatchInterfaces(ctx context.Context, s *Speaker) error { return errUnsupported() }

// InterfaceWatcher follows interface changes; it is implemented on Linux
// only.
type InterfaceWatcher struct{}

// NewInterfaceWatcher is not supported outside Linux.
func NewInterfaceWatcher(s *Speaker) (*InterfaceWatcher, error) { return nil, errUnsupported() }

// Run is not supported outside Linux.
func (w *InterfaceWatcher) Run(ctx context.Context) error { return errUnsupported() }
