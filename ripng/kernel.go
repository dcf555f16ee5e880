package ripng

import (
	"errors"
	"fmt"
	"net"
	"sync"
	"syscall"

	"github.com/vishvananda/netlink"
)

// KernelProtocol is the routing protocol number (rtm_protocol) the kernel
// sync marks its routes with by default: not BIRD's (12), nor FRR's RIPng
// (190), nor the registered RIP number (189), so `ip -6 route show proto
// 196` lists exactly ours.
const KernelProtocol = 196

// KernelSync installs a speaker's learned routes in the kernel's main
// table (a [RouteSync]), marked with its own protocol number, over a
// netlink socket opened in the caller's network namespace.
type KernelSync struct {
	h        *netlink.Handle
	protocol netlink.RouteProtocol
	mu       sync.Mutex
	links    map[string]int
	routes   map[string]netlink.Route // installed, by prefix
}

var _ RouteSync = (*KernelSync)(nil)

// NewKernelSync opens a netlink socket in the current network namespace.
// protocol 0 means [KernelProtocol].
func NewKernelSync(protocol int) (*KernelSync, error) {
	if protocol == 0 {
		protocol = KernelProtocol
	}
	if protocol < 0 || protocol > 255 {
		return nil, fmt.Errorf("ripng: kernel protocol %d out of range", protocol)
	}
	h, err := newRouteHandle()
	if err != nil {
		return nil, fmt.Errorf("ripng: kernel sync: %w", err)
	}
	return &KernelSync{h: h, protocol: netlink.RouteProtocol(protocol), links: map[string]int{}, routes: map[string]netlink.Route{}}, nil
}

func (k *KernelSync) route(r RouteInfo) (netlink.Route, error) {
	idx, ok := k.links[r.Interface]
	if !ok {
		l, err := k.h.LinkByName(r.Interface)
		if err != nil {
			return netlink.Route{}, fmt.Errorf("ripng: kernel sync: interface %q: %w", r.Interface, err)
		}
		idx = l.Attrs().Index
		k.links[r.Interface] = idx
	}
	dst := &net.IPNet{IP: r.Prefix.Addr().AsSlice(), Mask: net.CIDRMask(r.Prefix.Bits(), 128)}
	return netlink.Route{LinkIndex: idx, Dst: dst, Gw: r.NextHop.AsSlice(), Protocol: k.protocol, Priority: int(r.Metric), Family: afInet6}, nil
}

// Add installs (or replaces) the route to r.Prefix via r.NextHop.
func (k *KernelSync) Add(r RouteInfo) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	nr, err := k.route(r)
	if err != nil {
		return err
	}
	key := r.Prefix.String()
	if old, ok := k.routes[key]; ok && old.Priority != nr.Priority {
		// The metric is part of the kernel's key: remove the old one.
		_ = k.h.RouteDel(&old)
	}
	if err := k.h.RouteReplace(&nr); err != nil {
		return fmt.Errorf("ripng: kernel sync: add %v via %v: %w", r.Prefix, r.NextHop, err)
	}
	k.routes[key] = nr
	return nil
}

// Delete removes the route to r.Prefix that Add installed.
func (k *KernelSync) Delete(r RouteInfo) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	key := r.Prefix.String()
	old, ok := k.routes[key]
	if !ok {
		return nil
	}
	delete(k.routes, key)
	if err := k.h.RouteDel(&old); err != nil && !errors.Is(err, syscall.ESRCH) {
		return fmt.Errorf("ripng: kernel sync: delete %v: %w", r.Prefix, err)
	}
	return nil
}

// Close removes every route it installed and closes the netlink socket.
func (k *KernelSync) Close() error {
	k.mu.Lock()
	defer k.mu.Unlock()
	var errs []error
	for key, r := range k.routes {
		if err := k.h.RouteDel(&r); err != nil && !errors.Is(err, syscall.ESRCH) {
			errs = append(errs, fmt.Errorf("ripng: kernel sync: delete %s: %w", key, err))
		}
	}
	clear(k.routes)
	k.h.Close()
	return errors.Join(errs...)
}

// afInet6 is Linux's AF_INET6, the family of the routes KernelSync installs.
const afInet6 = 10
