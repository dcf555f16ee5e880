package ndp

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// dial opens the socket of kind k, on ifi for the ICMPv6 and packet
// sockets. It is the package's one edge to the operating system: on other
// systems it returns an error wrapping errors.ErrUnsupported.
//
// The ICMPv6 socket is bound to ifi's link-local address, or to the
// unspecified address when it has no usable one yet. It names its zone by
// interface index, not by name (see netx.Zone), so sources carry a numeric
// zone; callers strip zones anyway.
func dial(op string, k sockKind, ifi *net.Interface) (socket, error) {
	switch k {
	case sockICMP:
		byIndex := netx.ByIndex(ifi)
		c, src, err := mdndp.Listen(byIndex, mdndp.LinkLocal)
		if err == nil {
			return socket{icmp: c, src: src}, nil
		}
		// No link-local address (yet): mdlayher/ndp's error names the
		// interface by index, so it is not passed on.
		c, src, err = mdndp.Listen(byIndex, mdndp.Unspecified)
		if err != nil {
			return socket{}, fmt.Errorf("ndp: %s on interface %q: %w", op, ifi.Name, privileged(err))
		}
		return socket{icmp: c, src: src}, nil
	case sockFrames:
		c, err := v6frame.Listen(ifi)
		if err != nil {
			return socket{}, fmt.Errorf("ndp: %s: %w", op, privileged(err))
		}
		return socket{frames: c}, nil
	default:
		h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
		if err != nil {
			return socket{}, fmt.Errorf("ndp: %s: netlink: %w", op, err)
		}
		return socket{table: &rtnl{h: h}}, nil
	}
}

// privileged adds the capability a raw socket needs to a permission error.
func privileged(err error) error {
	if errors.Is(err, unix.EPERM) || errors.Is(err, unix.EACCES) {
		return fmt.Errorf("%w (needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep)", err)
	}
	return err
}

// rtnl is the kernel's neighbour cache and address list over rtnetlink.
type rtnl struct{ h *netlink.Handle }

func (r *rtnl) Close() error { r.h.Close(); return nil }

func (r *rtnl) neighbors(index int) ([]Neighbor, error) {
	ns, err := r.h.NeighList(index, unix.AF_INET6)
	if err != nil {
		return nil, err
	}
	out := make([]Neighbor, 0, len(ns))
	for _, n := range ns {
		a, ok := netip.AddrFromSlice(n.IP)
		if !ok {
			continue
		}
		out = append(out, Neighbor{
			Addr: a, MAC: n.HardwareAddr, State: NeighborState(n.State),
			Router: n.Flags&unix.NTF_ROUTER != 0, Ifindex: n.LinkIndex,
		})
	}
	return out, nil
}

func (r *rtnl) addrs(index int) ([]netip.Addr, error) {
	var link netlink.Link
	if index != 0 {
		var err error
		if link, err = r.h.LinkByIndex(index); err != nil {
			return nil, err
		}
	}
	as, err := r.h.AddrList(link, unix.AF_INET6)
	if err != nil {
		return nil, err
	}
	var out []netip.Addr
	for _, a := range as {
		if a.Flags&(unix.IFA_F_TENTATIVE|unix.IFA_F_DADFAILED) != 0 {
			continue
		}
		if ip, ok := netip.AddrFromSlice(a.IP); ok {
			out = append(out, ip)
		}
	}
	return out, nil
}
