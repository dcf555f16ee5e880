package host

import (
	"errors"
	"net"
	"net/netip"
	"slices"
	"time"

	"github.com/v6kit/v6kit/slaac"
)

// ErrNoInterface reports an interface name the system does not have.
var ErrNoInterface = errors.New("slaac/host: no such interface")

// Addr is one IPv6 address of a local interface, as the kernel holds it.
type Addr struct {
	// Prefix is the address with its prefix length.
	Prefix netip.Prefix
	// Flags are the kernel's IFA_F_* flags (for [slaac.Evidence]).
	Flags slaac.AddrFlags
	// Preferred and Valid are the remaining lifetimes;
	// [slaac.InfiniteLifetime] for forever.
	Preferred, Valid time.Duration
}

// Link is an interface's current state.
type Link struct {
	// Name and Index name the interface.
	Name  string
	Index int
	// MAC is the current hardware address, PermAddr the permanent one
	// (nil when the device has none).
	MAC, PermAddr net.HardwareAddr
	// Addrs are its IPv6 addresses.
	Addrs []Addr
	// RAPrefixes are the /64 prefixes it currently learns from router
	// advertisements: its routes with protocol "ra" and the prefixes of
	// its autoconfigured (not permanent) global /64 addresses, sorted.
	RAPrefixes []netip.Prefix
}

// ReadLink reads ifname's addresses and RA prefixes with netlink.
func ReadLink(ifname string) (*Link, error) {
	l, err := readLink(ifname)
	if err != nil {
		return nil, err
	}
	for _, a := range l.Addrs {
		p := a.Prefix
		if p.Bits() == 64 && a.Flags&slaac.FlagPermanent == 0 && p.Addr().IsGlobalUnicast() && !p.Addr().IsLinkLocalUnicast() {
			l.RAPrefixes = append(l.RAPrefixes, p.Masked())
		}
	}
	slices.SortFunc(l.RAPrefixes, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	l.RAPrefixes = slices.Compact(l.RAPrefixes)
	return l, nil
}

// Evidence returns what the kernel says about a, one of the link's
// addresses, for [slaac.Classify]: Local, its flags, the MAC and the
// link's other addresses.
func (l *Link) Evidence(a netip.Addr) slaac.Evidence {
	ev := slaac.Evidence{MAC: l.MAC}
	for _, x := range l.Addrs {
		ev.Siblings = append(ev.Siblings, x.Prefix.Addr())
		if x.Prefix.Addr() == a.WithZone("") {
			ev.Local, ev.Flags = true, x.Flags
		}
	}
	return ev
}
