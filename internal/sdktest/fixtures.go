package sdktest

import (
	"net"
	"net/netip"
)

// Documentation-range fixtures (RFC 3849, RFC 5737) shared by tests and
// examples, so no test ever names a routable address.
var (
	// DocPrefix is a global /64 from 2001:db8::/32.
	DocPrefix = netip.MustParsePrefix("2001:db8:1:2::/64")
	// DocPrefix2 is a second global /64.
	DocPrefix2 = netip.MustParsePrefix("2001:db8:8011:fd44::/64")
	// ULAPrefix is a unique local /64.
	ULAPrefix = netip.MustParsePrefix("fd00:db8:1::/64")
	// LXDMAC is a MAC from LXD's 00:16:3e range, as the seed's container had.
	LXDMAC = net.HardwareAddr{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}
	// PiMAC is a Raspberry Pi Foundation MAC (b8:27:eb).
	PiMAC = net.HardwareAddr{0xb8, 0x27, 0xeb, 0x12, 0x34, 0x56}
	// DocIPv4 is a host in 192.0.2.0/24.
	DocIPv4 = netip.MustParseAddr("192.0.2.1")
)
