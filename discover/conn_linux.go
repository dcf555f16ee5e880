package discover

import (
	"fmt"
	"net"

	"github.com/v6kit/v6kit/internal/v6frame"
	"github.com/vishvananda/netlink"
	"github.com/vishvananda/netlink/nl"
	"golang.org/x/sys/unix"
)

// dial opens the socket of kind k on ifi. It is the package's one edge to
// the operating system: on other systems it returns an error wrapping
// errors.ErrUnsupported.
func dial(op string, k sockKind, ifi *net.Interface) (socket, error) {
	switch k {
	case sockFrames:
		c, err := v6frame.Listen(ifi)
		if err != nil {
			return socket{}, fmt.Errorf("discover: %s: %w", op, err)
		}
		// Every host of a big link answers each multicast probe within a
		// millisecond or two: room for the burst, or the kernel drops it.
		// Without CAP_NET_ADMIN the kernel caps this at rmem_max; the
		// later rounds then make up for what it drops.
		_ = c.SetReadBuffer(readBuffer)
		return socket{frames: c, wireless: wireless(ifi)}, nil
	default:
		c, err := net.ListenUDP("udp6", &net.UDPAddr{IP: net.IPv6unspecified})
		if err != nil {
			return socket{}, fmt.Errorf("discover: %s on interface %q: %w", op, ifi.Name, err)
		}
		return socket{udp: c}, nil
	}
}

// nl80211 (include/uapi/linux/nl80211.h).
const (
	nl80211CmdGetInterface = 5
	nl80211AttrIfindex     = 3
)

// wireless reports whether ifi is an 802.11 interface, or a bridge with
// one among its ports (a router's LAN bridge): nl80211 lists it. Its hosts
// may sleep, so a scan waits longer for them. Any failure (no cfg80211)
// means no Wi-Fi. It asks netlink, not sysfs, so that it sees the calling
// thread's network namespace.
func wireless(ifi *net.Interface) bool {
	fam, err := netlink.GenlFamilyGet("nl80211")
	if err != nil {
		return false
	}
	req := nl.NewNetlinkRequest(int(fam.ID), unix.NLM_F_DUMP)
	req.AddData(&nl.Genlmsg{Command: nl80211CmdGetInterface})
	msgs, err := req.Execute(unix.NETLINK_GENERIC, 0)
	if err != nil {
		return false
	}
	wifi := map[int]bool{}
	for _, m := range msgs {
		if len(m) < nl.SizeofGenlmsg {
			continue
		}
		attrs, err := nl.ParseRouteAttr(m[nl.SizeofGenlmsg:])
		if err != nil {
			continue
		}
		for _, a := range attrs {
			if a.Attr.Type == nl80211AttrIfindex && len(a.Value) == 4 {
				wifi[int(nl.NativeEndian().Uint32(a.Value))] = true
			}
		}
	}
	if wifi[ifi.Index] || len(wifi) == 0 {
		return wifi[ifi.Index]
	}
	links, err := netlink.LinkList()
	if err != nil {
		return false
	}
	for _, l := range links {
		if a := l.Attrs(); a.MasterIndex == ifi.Index && wifi[a.Index] {
			return true
		}
	}
	return false
}
