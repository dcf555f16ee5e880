package macvlan

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/v6kit/v6kit/internal/netx"
)

// DefaultName is the shim's interface name when [Config.Name] is empty.
const DefaultName = "host-shim"

// DefaultMetric is the metric of the shim's routes when [Config.Metric] is 0:
// lower than the kernel's 256 for on-link prefixes, so the shim wins.
const DefaultMetric = 100

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

// String returns the mode as `ip link` spells it: "unknown" for
// ModeUnknown (the kernel reported none) and for values Linux does not
// define, as ip link prints them, so a message never shows a Go value.
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
	return "unknown"
}

// Config says which shim to ensure or remove.
type Config struct {
	// Parent is the interface the shim shares (required): an Ethernet
	// link, named as Linux allows (1–15 bytes, no '/', ':' or spaces).
	Parent string
	// Name is the shim's interface name; empty means DefaultName.
	Name string
	// IPv4 also routes the parent's IPv4 on-link subnets through the shim
	// (as two halves of each subnet, so they beat the kernel's metric-0
	// subnet route).
	IPv4 bool
	// Metric is the routes' metric; 0 means DefaultMetric. Ensuring with
	// another metric replaces the shim's routes of the old one.
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

// check validates the names before anything is looked up or opened.
func (c Config) check() error {
	if c.Parent == "" {
		return fmt.Errorf("macvlan: no parent interface; set Config.Parent to the LAN interface, such as eth0")
	}
	if err := netx.CheckName(c.Parent); err != nil {
		return fmt.Errorf("macvlan: parent: %w", err)
	}
	if err := netx.CheckName(c.name()); err != nil {
		return fmt.Errorf("macvlan: shim name: %w", err)
	}
	if c.name() == c.Parent {
		return fmt.Errorf("macvlan: shim name %q equals the parent's; give the shim another name", c.name())
	}
	return nil
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
