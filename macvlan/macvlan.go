package macvlan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/v6kit/v6kit/slaac"
)

// DefaultName is the shim's interface name when [Config.Name] is empty.
const DefaultName = "host-shim"

// DefaultMetric is the metric of the shim's routes when [Config.Metric] is 0:
// lower than the kernel's 256 for on-link prefixes, so the shim wins.
const DefaultMetric = 100

// Errors callers can test with errors.Is.
var (
	// ErrWireless means the parent is a wireless interface, which an access
	// point would not carry extra MACs for.
	ErrWireless = errors.New("macvlan: parent is a wireless interface (an access point drops frames from extra MACs)")
	// ErrNoParent means the parent interface does not exist.
	ErrNoParent = errors.New("macvlan: parent interface not found")
	// ErrNameTaken means an interface with the shim's name exists but is not
	// a shim this package would make on that parent.
	ErrNameTaken = errors.New("macvlan: interface name taken by a link that is not our shim")
	// ErrNotSupported is returned on systems other than Linux.
	ErrNotSupported = errors.New("macvlan: not supported")
)

// Mode is a macvlan mode (IFLA_MACVLAN_MODE).
type Mode uint32

// Macvlan modes, as in linux/if_link.h.
const (
	ModeUnknown  Mode = 0
	ModePrivate  Mode = 1
	ModeVEPA     Mode = 2
	ModeBridge   Mode = 4
	ModePassthru Mode = 8
	ModeSource   Mode = 16
)

// String returns the mode as `ip link` spells it.
func (m Mode) String() string {
	switch m {
	case ModePrivate:
		return "private"
	case ModeVEPA:
		return "vepa"
	case ModeBridge:
		return "bridge"
	case ModePassthru:
		return "passthru"
	case ModeSource:
		return "source"
	}
	return fmt.Sprintf("mode(%d)", uint32(m))
}

// Config says which shim to ensure or remove.
type Config struct {
	// Parent is the interface the shim shares (required).
	Parent string
	// Name is the shim's interface name; empty means DefaultName.
	Name string
	// IPv4 also routes the parent's IPv4 on-link subnets through the shim
	// (as two halves of each subnet, so they beat the kernel's metric-0
	// subnet route).
	IPv4 bool
	// Metric is the routes' metric; 0 means DefaultMetric.
	Metric uint32
	// SysRoot is where sysfs is mounted; empty means "/sys". Tests point it
	// at a fake tree.
	SysRoot string
}

func (c Config) name() string {
	if c.Name == "" {
		return DefaultName
	}
	return c.Name
}

func (c Config) metric() uint32 {
	if c.Metric == 0 {
		return DefaultMetric
	}
	return c.Metric
}

// Route is one route through the shim.
type Route struct {
	// Dst is the on-link prefix routed through the shim.
	Dst netip.Prefix
	// Src is the preferred source (IPv4 routes: the parent's address).
	Src netip.Addr `json:",omitzero"`
	// Metric is the route's priority; lower wins.
	Metric uint32
	// PrefHigh marks an IPv6 route with RFC 4191 preference high.
	PrefHigh bool `json:",omitempty"`
}

// Shim is an ensured host shim.
type Shim struct {
	Name   string
	Parent string
	Index  int
	MAC    net.HardwareAddr
	Mode   Mode
	// Addrs are the shim's own addresses in the routed IPv6 prefixes.
	Addrs []netip.Prefix
	// Routes are the routes through the shim.
	Routes []Route
	// Created reports whether this call created the link.
	Created bool
	// Changed reports whether this call changed anything at all.
	Changed bool
}

// Link is one macvlan on a parent, as [List] reports it.
type Link struct {
	Name  string
	Index int
	MAC   net.HardwareAddr
	Mode  Mode
	Up    bool
}

// linkInfo is what the adapter reports about one link.
type linkInfo struct {
	Name        string
	Index       int
	ParentIndex int
	Kind        string
	Mode        Mode
	MAC         net.HardwareAddr
	Up          bool
}

// onLink is one on-link route of the parent.
type onLink struct {
	Dst netip.Prefix
	Src netip.Addr // IPv4: the route's preferred source, if any
}

// netOps is the consumer-side netlink interface Ensure, Remove and List run
// against: the Linux adapter in production, a fake in tests.
type netOps interface {
	linkByName(name string) (linkInfo, bool, error)
	links() ([]linkInfo, error)
	addMacvlan(name string, parent int, mac net.HardwareAddr) (int, error)
	setUp(index int) error
	deleteLink(index int) error
	onLinkRoutes(index int) ([]onLink, error)
	addrs(index int, family int) ([]netip.Prefix, error)
	addAddr(index int, p netip.Prefix) error
	delAddr(index int, p netip.Prefix) error
	routes(index int) ([]Route, error)
	addRoute(index int, r Route) error
	delRoute(index int, r Route) error
	close() error
}

// ShimMAC returns the shim's MAC for a parent MAC: the parent's with the
// first octet set to 0x02 (locally administered, unicast). When the parent's
// first octet already is 0x02 it is set to 0x06 instead, so the two differ.
func ShimMAC(parent net.HardwareAddr) (net.HardwareAddr, error) {
	if len(parent) != 6 {
		return nil, fmt.Errorf("macvlan: parent MAC %q is not 48 bits", parent)
	}
	mac := slices.Clone(parent)
	mac[0] = 0x02
	if bytes.Equal(mac, parent) {
		mac[0] = 0x06
	}
	return mac, nil
}

// CheckWireless returns an error wrapping [ErrWireless] if ifname is a
// wireless interface according to sysfs under sysRoot ("/sys" when empty):
// a wireless/ directory, a phy80211 link, or DEVTYPE=wlan in uevent. A missing
// sysfs entry is not an error (a namespace's interfaces are not in the host's
// sysfs).
func CheckWireless(sysRoot, ifname string) error {
	if sysRoot == "" {
		sysRoot = "/sys"
	}
	if ifname == "" || strings.ContainsAny(ifname, "/") || ifname == "." || ifname == ".." {
		return fmt.Errorf("macvlan: bad interface name %q", ifname)
	}
	dir := filepath.Join(sysRoot, "class", "net", ifname)
	for _, sub := range []string{"wireless", "phy80211"} {
		if _, err := os.Lstat(filepath.Join(dir, sub)); err == nil {
			return fmt.Errorf("%w: %s has %s", ErrWireless, ifname, sub)
		}
	}
	b, err := os.ReadFile(filepath.Join(dir, "uevent"))
	if err != nil {
		return nil
	}
	for _, line := range strings.Split(string(b), "\n") {
		if strings.TrimSpace(line) == "DEVTYPE=wlan" {
			return fmt.Errorf("%w: %s has DEVTYPE=wlan", ErrWireless, ifname)
		}
	}
	return nil
}

// isShimOf reports whether l is the shim ensure would make on parent.
func isShimOf(l linkInfo, parent linkInfo, mac net.HardwareAddr) bool {
	return l.Kind == "macvlan" && l.ParentIndex == parent.Index && l.Mode == ModeBridge && bytes.Equal(l.MAC, mac)
}

// wantRoutes turns the parent's on-link routes into the shim's routes and
// addresses.
func wantRoutes(cfg Config, parentRoutes []onLink, mac net.HardwareAddr) ([]Route, []netip.Prefix, error) {
	iid, err := slaac.EUI64(mac)
	if err != nil {
		return nil, nil, fmt.Errorf("macvlan: %w", err)
	}
	var routes []Route
	var addrs []netip.Prefix
	for _, r := range parentRoutes {
		d := r.Dst.Masked()
		switch {
		case d.Addr().Is6() && routable6(d):
			routes = append(routes, Route{Dst: d, Metric: cfg.metric(), PrefHigh: true})
			if d.Bits() <= 64 {
				a, err := slaac.Addr(netip.PrefixFrom(d.Addr(), 64), iid)
				if err == nil {
					addrs = append(addrs, netip.PrefixFrom(a, 128))
				}
			}
		case d.Addr().Is4() && cfg.IPv4 && d.Bits() > 0 && d.Bits() < 32:
			// The kernel's IPv4 subnet route has metric 0, so a second
			// route for the same subnet would never win: route its two
			// halves instead, which longest-prefix match prefers.
			lo, hi := halves(d)
			routes = append(routes,
				Route{Dst: lo, Src: r.Src, Metric: cfg.metric()},
				Route{Dst: hi, Src: r.Src, Metric: cfg.metric()})
		}
	}
	slices.SortFunc(routes, func(a, b Route) int { return comparePrefix(a.Dst, b.Dst) })
	routes = slices.CompactFunc(routes, func(a, b Route) bool { return a.Dst == b.Dst })
	slices.SortFunc(addrs, comparePrefix)
	addrs = slices.Compact(addrs)
	return routes, addrs, nil
}

// halves splits an IPv4 prefix into its two halves.
func halves(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	bits := p.Bits() + 1
	a := p.Addr().As4()
	a[(bits-1)/8] |= 0x80 >> ((bits - 1) % 8)
	return netip.PrefixFrom(p.Addr(), bits), netip.PrefixFrom(netip.AddrFrom4(a), bits)
}

func comparePrefix(a, b netip.Prefix) int {
	if c := a.Addr().Compare(b.Addr()); c != 0 {
		return c
	}
	return a.Bits() - b.Bits()
}

// routable6 reports whether an IPv6 on-link prefix is a global or ULA one
// (not link-local, multicast, the default route or a host route).
func routable6(p netip.Prefix) bool {
	a := p.Addr()
	return p.Bits() > 0 && p.Bits() < 128 && !a.IsLinkLocalUnicast() && !a.IsMulticast() && !a.IsLoopback() &&
		(a.IsGlobalUnicast() || a.IsPrivate())
}

// ensure is Ensure against ops.
func ensure(ctx context.Context, o netOps, cfg Config) (_ *Shim, err error) {
	if cfg.Parent == "" {
		return nil, errors.New("macvlan: no parent interface")
	}
	name := cfg.name()
	if name == cfg.Parent {
		return nil, fmt.Errorf("macvlan: shim name %q equals the parent's", name)
	}
	if err := CheckWireless(cfg.SysRoot, cfg.Parent); err != nil {
		return nil, err
	}
	parent, ok, err := o.linkByName(cfg.Parent)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoParent, cfg.Parent)
	}
	mac, err := ShimMAC(parent.MAC)
	if err != nil {
		return nil, err
	}
	pr, err := o.onLinkRoutes(parent.Index)
	if err != nil {
		return nil, err
	}
	routes, addrs, err := wantRoutes(cfg, pr, mac)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}

	shim := &Shim{Name: name, Parent: cfg.Parent, MAC: mac, Mode: ModeBridge, Addrs: addrs, Routes: routes}
	// undo holds the steps that roll back what this call made, newest last.
	var undo []func() error
	defer func() {
		if err == nil {
			return
		}
		var errs []error
		for i := len(undo) - 1; i >= 0; i-- {
			if uerr := undo[i](); uerr != nil {
				errs = append(errs, uerr)
			}
		}
		if len(errs) > 0 {
			err = fmt.Errorf("%w (rollback: %w)", err, errors.Join(errs...))
		}
	}()

	l, exists, err := o.linkByName(name)
	if err != nil {
		return nil, err
	}
	if exists && !isShimOf(l, parent, mac) {
		return nil, fmt.Errorf("%w: %s (kind %q, parent index %d, mode %s, MAC %s)", ErrNameTaken, name, l.Kind, l.ParentIndex, l.Mode, l.MAC)
	}
	if !exists {
		idx, err := o.addMacvlan(name, parent.Index, mac)
		if err != nil {
			return nil, fmt.Errorf("macvlan: create %s on %s: %w", name, cfg.Parent, err)
		}
		undo = append(undo, func() error { return o.deleteLink(idx) })
		l = linkInfo{Name: name, Index: idx, ParentIndex: parent.Index, Kind: "macvlan", Mode: ModeBridge, MAC: mac}
		shim.Created, shim.Changed = true, true
	}
	shim.Index = l.Index
	if !l.Up {
		if err := o.setUp(l.Index); err != nil {
			return nil, fmt.Errorf("macvlan: set %s up: %w", name, err)
		}
		shim.Changed = true
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	have, err := o.addrs(l.Index, 6)
	if err != nil {
		return nil, err
	}
	for _, a := range addrs {
		if slices.Contains(have, a) {
			continue
		}
		if err := o.addAddr(l.Index, a); err != nil {
			return nil, fmt.Errorf("macvlan: add address %s to %s: %w", a, name, err)
		}
		undo = append(undo, func() error { return o.delAddr(l.Index, a) })
		shim.Changed = true
	}
	// Renumbered: drop our addresses and routes for prefixes the parent no
	// longer has (only ours: the shim's EUI-64 /128s, routes with our
	// metric), so ensuring converges.
	iid, _ := slaac.EUI64(mac)
	for _, a := range have {
		if a.Bits() != 128 || !routable6(netip.PrefixFrom(a.Addr(), 64)) || slaac.IIDFrom(a.Addr()) != iid || slices.Contains(addrs, a) {
			continue
		}
		if err := o.delAddr(l.Index, a); err != nil {
			return nil, fmt.Errorf("macvlan: remove stale address %s from %s: %w", a, name, err)
		}
		undo = append(undo, func() error { return o.addAddr(l.Index, a) })
		shim.Changed = true
	}
	haveRoutes, err := o.routes(l.Index)
	if err != nil {
		return nil, err
	}
	for _, r := range haveRoutes {
		a := r.Dst.Addr()
		ours := r.Metric == cfg.metric() && !a.IsLinkLocalUnicast() && ((a.Is6() && r.PrefHigh) || (a.Is4() && r.Src.IsValid()))
		if !ours || slices.Contains(routes, r) {
			continue
		}
		if err := o.delRoute(l.Index, r); err != nil {
			return nil, fmt.Errorf("macvlan: remove stale route %s via %s: %w", r.Dst, name, err)
		}
		undo = append(undo, func() error { return o.addRoute(l.Index, r) })
		shim.Changed = true
	}
	for _, r := range routes {
		if slices.Contains(haveRoutes, r) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		if err := o.addRoute(l.Index, r); err != nil {
			return nil, fmt.Errorf("macvlan: add route %s via %s: %w", r.Dst, name, err)
		}
		undo = append(undo, func() error { return o.delRoute(l.Index, r) })
		shim.Changed = true
	}
	return shim, nil
}

// remove is Remove against ops.
func remove(o netOps, cfg Config) (bool, error) {
	if cfg.Parent == "" {
		return false, errors.New("macvlan: no parent interface")
	}
	name := cfg.name()
	parent, ok, err := o.linkByName(cfg.Parent)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, fmt.Errorf("%w: %s", ErrNoParent, cfg.Parent)
	}
	mac, err := ShimMAC(parent.MAC)
	if err != nil {
		return false, err
	}
	l, exists, err := o.linkByName(name)
	if err != nil || !exists {
		return false, err
	}
	if !isShimOf(l, parent, mac) {
		return false, fmt.Errorf("%w: %s", ErrNameTaken, name)
	}
	if err := o.deleteLink(l.Index); err != nil {
		return false, fmt.Errorf("macvlan: delete %s: %w", name, err)
	}
	return true, nil
}

// list is List against ops.
func list(o netOps, parentName string) ([]Link, error) {
	parent, ok, err := o.linkByName(parentName)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, fmt.Errorf("%w: %s", ErrNoParent, parentName)
	}
	all, err := o.links()
	if err != nil {
		return nil, err
	}
	var out []Link
	for _, l := range all {
		if l.Kind == "macvlan" && l.ParentIndex == parent.Index {
			out = append(out, Link{Name: l.Name, Index: l.Index, MAC: l.MAC, Mode: l.Mode, Up: l.Up})
		}
	}
	slices.SortFunc(out, func(a, b Link) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Ensure makes sure the host shim described by cfg exists, is up, has its
// addresses and routes, and returns it. Calling it again changes nothing;
// after the parent's prefixes change, calling it again removes the shim's
// addresses and routes for prefixes that are gone (only its own: the EUI-64
// /128s and routes with its metric). If a step fails, what this call did is
// undone.
func Ensure(ctx context.Context, cfg Config) (*Shim, error) {
	if err := CheckWireless(cfg.SysRoot, cfg.Parent); err != nil {
		return nil, err
	}
	o, err := dial()
	if err != nil {
		return nil, err
	}
	defer o.close()
	return ensure(ctx, o, cfg)
}

// Remove deletes the shim described by cfg, with its addresses and routes,
// and reports whether there was one. A missing shim is not an error; a link
// of that name that is not our shim is ([ErrNameTaken]) and is left alone.
func Remove(ctx context.Context, cfg Config) (bool, error) {
	if err := ctx.Err(); err != nil {
		return false, err
	}
	o, err := dial()
	if err != nil {
		return false, err
	}
	defer o.close()
	return remove(o, cfg)
}

// List returns the macvlans on parent, sorted by name.
func List(ctx context.Context, parent string) ([]Link, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o, err := dial()
	if err != nil {
		return nil, err
	}
	defer o.close()
	return list(o, parent)
}
