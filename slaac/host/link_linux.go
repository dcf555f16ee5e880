package host

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"

	"github.com/v6kit/v6kit/slaac"
)

// readLink asks rtnetlink for the link, its IPv6 addresses and its RA
// routes.
func readLink(ifname string) (*Link, error) {
	lk, err := netlink.LinkByName(ifname)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) {
			return nil, fmt.Errorf("%w: %s", ErrNoInterface, ifname)
		}
		return nil, fmt.Errorf("slaac/host: %s: netlink: %w", ifname, err)
	}
	at := lk.Attrs()
	l := &Link{Name: at.Name, Index: at.Index, MAC: at.HardwareAddr}
	if len(at.PermHWAddr) > 0 && !allZero(at.PermHWAddr) {
		l.PermAddr = at.PermHWAddr
	}
	addrs, err := netlink.AddrList(lk, netlink.FAMILY_V6)
	if err != nil {
		return nil, fmt.Errorf("slaac/host: %s: addresses: %w", ifname, err)
	}
	for _, a := range addrs {
		ip, ok := netip.AddrFromSlice(a.IP)
		if !ok || a.IPNet == nil {
			continue
		}
		bits, _ := a.Mask.Size()
		l.Addrs = append(l.Addrs, Addr{
			Prefix:    netip.PrefixFrom(ip.Unmap(), bits),
			Flags:     slaac.AddrFlags(a.Flags),
			Preferred: lifetime(a.PreferedLft),
			Valid:     lifetime(a.ValidLft),
		})
	}
	routes, err := netlink.RouteListFiltered(netlink.FAMILY_V6, &netlink.Route{LinkIndex: at.Index, Protocol: unix.RTPROT_RA},
		netlink.RT_FILTER_OIF|netlink.RT_FILTER_PROTOCOL)
	if err != nil {
		return nil, fmt.Errorf("slaac/host: %s: routes: %w", ifname, err)
	}
	for _, r := range routes {
		if r.Dst == nil {
			continue
		}
		ip, ok := netip.AddrFromSlice(r.Dst.IP)
		bits, _ := r.Dst.Mask.Size()
		if ok && bits == 64 && ip.Is6() && !ip.IsLinkLocalUnicast() {
			l.RAPrefixes = append(l.RAPrefixes, netip.PrefixFrom(ip, 64).Masked())
		}
	}
	return l, nil
}

// lifetime converts a netlink lifetime in seconds (0xffffffff: forever).
func lifetime(s int) time.Duration {
	if uint32(s) == 0xffffffff {
		return slaac.InfiniteLifetime
	}
	return time.Duration(s) * time.Second
}

func allZero(b []byte) bool {
	for _, x := range b {
		if x != 0 {
			return false
		}
	}
	return true
}
