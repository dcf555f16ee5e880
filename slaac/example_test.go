package slaac_test

import (
	"fmt"
	"net"
	"net/netip"

	"github.com/v6kit/v6kit/slaac"
)

// The seed article's LXD container: its MAC forms this address on the
// bridge's /64.
func ExampleEUI64() {
	mac, _ := net.ParseMAC("00:16:3e:65:2b:99")
	iid, _ := slaac.EUI64(mac)
	addr, _ := slaac.Addr(netip.MustParsePrefix("2001:db8:8011:fd44::/64"), iid)
	fmt.Println(iid)
	fmt.Println(addr)
	fmt.Println(slaac.LinkLocal(iid))
	back, ok := iid.MAC()
	fmt.Println(back, ok)
	// Output:
	// 216:3eff:fe65:2b99
	// 2001:db8:8011:fd44:216:3eff:fe65:2b99
	// fe80::216:3eff:fe65:2b99
	// 00:16:3e:65:2b:99 true
}

func ExampleIID_Reserved() {
	for _, s := range []string{"::", "200:5eff:fe00:5213", "fdff:ffff:ffff:ff80", "216:3eff:fe65:2b99"} {
		iid, _ := slaac.ParseIID(s)
		fmt.Println(iid, iid.Reserved())
	}
	// Output:
	// 0:0:0:0 true
	// 200:5eff:fe00:5213 true
	// fdff:ffff:ffff:ff80 true
	// 216:3eff:fe65:2b99 false
}
