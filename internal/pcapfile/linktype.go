package pcapfile

import "strconv"

// LinkType is a pcap LINKTYPE_ value: the kind of header each packet
// starts with (https://www.tcpdump.org/linktypes.html).
type LinkType uint16

// The link types a router on Linux meets.
const (
	LinkNull       LinkType = 0   // BSD loopback
	LinkEthernet   LinkType = 1   // Ethernet II / 802.3
	LinkPPP        LinkType = 9   // PPP
	LinkRaw        LinkType = 101 // raw IPv4 or IPv6, no link header
	LinkIEEE802_11 LinkType = 105 // 802.11 without radio header
	LinkLoop       LinkType = 108 // OpenBSD loopback
	LinkLinuxSLL   LinkType = 113 // Linux cooked capture (tcpdump -i any)
	LinkRadioTap   LinkType = 127 // 802.11 with a radiotap header
	LinkLinuxUSB   LinkType = 220 // Linux USB
	LinkIPv4       LinkType = 228 // raw IPv4
	LinkIPv6       LinkType = 229 // raw IPv6
	LinkLinuxSLL2  LinkType = 276 // Linux cooked capture v2 (tshark -i any)
)

// String returns the link type's short name ("Ethernet", "802.11",
// "Linux SLL"), or "LinkType(N)" for one not in the package's table.
func (t LinkType) String() string {
	switch t {
	case LinkNull:
		return "Null"
	case LinkEthernet:
		return "Ethernet"
	case LinkPPP:
		return "PPP"
	case LinkRaw:
		return "Raw"
	case LinkIEEE802_11:
		return "802.11"
	case LinkLoop:
		return "Loop"
	case LinkLinuxSLL:
		return "Linux SLL"
	case LinkRadioTap:
		return "RadioTap"
	case LinkLinuxUSB:
		return "USB"
	case LinkIPv4:
		return "IPv4"
	case LinkIPv6:
		return "IPv6"
	case LinkLinuxSLL2:
		return "Linux SLL2"
	}
	return "LinkType(" + strconv.Itoa(int(t)) + ")"
}
