package macvlan

import (
	"errors"
	"fmt"
	"net"
	"net/netip"

	"github.com/jsimonetti/rtnetlink/v2"
	"github.com/vishvananda/netlink"
	"golang.org/x/sys/unix"
)

// linuxOps is the netlink adapter: vishvananda/netlink for links and
// addresses, jsimonetti/rtnetlink for routes, because vishvananda's Route has
// no field for RTA_PREF (RFC 4191 preference).
type linuxOps struct {
	h  *netlink.Handle
	rt *rtnetlink.Conn
}

// rtaPrefHigh is ICMPV6_ROUTER_PREF_HIGH as RTA_PREF carries it.
const rtaPrefHigh = 0x1

// dial opens both netlink sockets in the calling thread's namespace.
func dial() (netOps, error) {
	h, err := netlink.NewHandle(unix.NETLINK_ROUTE)
	if err != nil {
		return nil, fmt.Errorf("macvlan: netlink: %w", err)
	}
	rt, err := rtnetlink.Dial(nil)
	if err != nil {
		h.Close()
		return nil, fmt.Errorf("macvlan: rtnetlink: %w", err)
	}
	return &linuxOps{h: h, rt: rt}, nil
}

func (o *linuxOps) close() error {
	o.h.Close()
	return o.rt.Close()
}

func info(l netlink.Link) linkInfo {
	a := l.Attrs()
	li := linkInfo{
		Name:        a.Name,
		Index:       a.Index,
		ParentIndex: a.ParentIndex,
		Kind:        l.Type(),
		Encap:       a.EncapType,
		MAC:         a.HardwareAddr,
		Up:          a.Flags&net.FlagUp != 0,
	}
	if m, ok := l.(*netlink.Macvlan); ok {
		li.Mode = Mode(1 << (uint(m.Mode) - 1))
		if m.Mode == netlink.MACVLAN_MODE_DEFAULT {
			li.Mode = ModeUnknown
		}
	}
	return li
}

func (o *linuxOps) linkByName(name string) (linkInfo, bool, error) {
	l, err := o.h.LinkByName(name)
	if err != nil {
		var nf netlink.LinkNotFoundError
		if errors.As(err, &nf) || errors.Is(err, unix.ENODEV) {
			return linkInfo{}, false, nil
		}
		return linkInfo{}, false, fmt.Errorf("macvlan: link %s: %w", name, err)
	}
	return info(l), true, nil
}

func (o *linuxOps) links() ([]linkInfo, error) {
	ls, err := o.h.LinkList()
	if err != nil {
		return nil, fmt.Errorf("macvlan: list links: %w", err)
	}
	out := make([]linkInfo, 0, len(ls))
	for _, l := range ls {
		out = append(out, info(l))
	}
	return out, nil
}

func (o *linuxOps) addMacvlan(name string, parent int, mac net.HardwareAddr) (int, error) {
	l := &netlink.Macvlan{
		LinkAttrs: netlink.LinkAttrs{Name: name, ParentIndex: parent, HardwareAddr: mac},
		Mode:      netlink.MACVLAN_MODE_BRIDGE,
	}
	if err := o.h.LinkAdd(l); err != nil {
		return 0, err
	}
	got, err := o.h.LinkByName(name)
	if err != nil {
		return 0, err
	}
	return got.Attrs().Index, nil
}

func (o *linuxOps) byIndex(index int) (netlink.Link, error) {
	l, err := o.h.LinkByIndex(index)
	if err != nil {
		return nil, fmt.Errorf("macvlan: link index %d: %w", index, err)
	}
	return l, nil
}

func (o *linuxOps) setUp(index int) error {
	l, err := o.byIndex(index)
	if err != nil {
		return err
	}
	return o.h.LinkSetUp(l)
}

func (o *linuxOps) deleteLink(index int) error {
	l, err := o.byIndex(index)
	if err != nil {
		return err
	}
	return o.h.LinkDel(l)
}

func (o *linuxOps) addrs(index int, family int) ([]netip.Prefix, error) {
	l, err := o.byIndex(index)
	if err != nil {
		return nil, err
	}
	fam := netlink.FAMILY_V6
	if family == 4 {
		fam = netlink.FAMILY_V4
	}
	as, err := o.h.AddrList(l, fam)
	if err != nil {
		return nil, fmt.Errorf("macvlan: list addresses: %w", err)
	}
	var out []netip.Prefix
	for _, a := range as {
		if p, ok := prefixOf(a.IPNet); ok {
			out = append(out, p)
		}
	}
	return out, nil
}

func prefixOf(n *net.IPNet) (netip.Prefix, bool) {
	if n == nil {
		return netip.Prefix{}, false
	}
	a, ok := netip.AddrFromSlice(n.IP)
	if !ok {
		return netip.Prefix{}, false
	}
	ones, _ := n.Mask.Size()
	return netip.PrefixFrom(a.Unmap(), ones), true
}

func ipNet(p netip.Prefix) *net.IPNet {
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

func (o *linuxOps) addAddr(index int, p netip.Prefix) error {
	l, err := o.byIndex(index)
	if err != nil {
		return err
	}
	return o.h.AddrAdd(l, &netlink.Addr{IPNet: ipNet(p), Flags: unix.IFA_F_NODAD | unix.IFA_F_NOPREFIXROUTE})
}

func (o *linuxOps) delAddr(index int, p netip.Prefix) error {
	l, err := o.byIndex(index)
	if err != nil {
		return err
	}
	return o.h.AddrDel(l, &netlink.Addr{IPNet: ipNet(p)})
}

// mainRoutes lists the main table's unicast routes out of index.
func (o *linuxOps) mainRoutes(index int) ([]rtnetlink.RouteMessage, error) {
	all, err := o.rt.Route.List()
	if err != nil {
		return nil, fmt.Errorf("macvlan: list routes: %w", err)
	}
	var out []rtnetlink.RouteMessage
	for _, m := range all {
		table := m.Attributes.Table
		if table == 0 {
			table = uint32(m.Table)
		}
		if table != unix.RT_TABLE_MAIN || m.Type != unix.RTN_UNICAST || int(m.Attributes.OutIface) != index {
			continue
		}
		out = append(out, m)
	}
	return out, nil
}

func addrOf(ip net.IP) netip.Addr {
	a, _ := netip.AddrFromSlice(ip)
	return a.Unmap()
}

func dstOf(m rtnetlink.RouteMessage) (netip.Prefix, bool) {
	if m.Attributes.Dst == nil {
		return netip.Prefix{}, false
	}
	a := addrOf(m.Attributes.Dst)
	if !a.IsValid() {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(a, int(m.DstLength)), true
}

func (o *linuxOps) onLinkRoutes(index int) ([]onLink, error) {
	ms, err := o.mainRoutes(index)
	if err != nil {
		return nil, err
	}
	var out []onLink
	for _, m := range ms {
		if m.Attributes.Gateway != nil || len(m.Attributes.Multipath) > 0 {
			continue
		}
		d, ok := dstOf(m)
		if !ok {
			continue
		}
		out = append(out, onLink{Dst: d, Src: addrOf(m.Attributes.Src)})
	}
	return out, nil
}

func (o *linuxOps) routes(index int) ([]Route, error) {
	ms, err := o.mainRoutes(index)
	if err != nil {
		return nil, err
	}
	var out []Route
	for _, m := range ms {
		d, ok := dstOf(m)
		if !ok || m.Attributes.Gateway != nil {
			continue
		}
		r := Route{Dst: d, Src: addrOf(m.Attributes.Src), Metric: m.Attributes.Priority}
		if d.Addr().Is6() {
			r.Src = netip.Addr{}
			r.PrefHigh = m.Attributes.Pref != nil && *m.Attributes.Pref == rtaPrefHigh
		}
		out = append(out, r)
	}
	return out, nil
}

func routeMessage(index int, r Route) *rtnetlink.RouteMessage {
	m := &rtnetlink.RouteMessage{
		Family:    unix.AF_INET6,
		DstLength: uint8(r.Dst.Bits()),
		Table:     unix.RT_TABLE_MAIN,
		Protocol:  unix.RTPROT_STATIC,
		Scope:     unix.RT_SCOPE_UNIVERSE,
		Type:      unix.RTN_UNICAST,
		Attributes: rtnetlink.RouteAttributes{
			Dst:      r.Dst.Addr().AsSlice(),
			OutIface: uint32(index),
			Priority: r.Metric,
		},
	}
	if r.Dst.Addr().Is4() {
		m.Family = unix.AF_INET
		m.Scope = unix.RT_SCOPE_LINK
		if r.Src.IsValid() {
			m.Attributes.Src = r.Src.AsSlice()
		}
	} else if r.PrefHigh {
		p := uint8(rtaPrefHigh)
		m.Attributes.Pref = &p
	}
	return m
}

func (o *linuxOps) addRoute(index int, r Route) error {
	return o.rt.Route.Add(routeMessage(index, r))
}

func (o *linuxOps) delRoute(index int, r Route) error {
	return o.rt.Route.Delete(routeMessage(index, r))
}
