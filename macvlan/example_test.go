package macvlan_test

import (
	"context"
	"fmt"
	"net"

	"github.com/v6kit/v6kit/macvlan"
)

func ExampleShimMAC() {
	parent, _ := net.ParseMAC("00:16:3e:65:2b:99")
	mac, _ := macvlan.ShimMAC(parent)
	fmt.Println(mac)
	// Output: 02:16:3e:65:2b:99
}

// Ensure the shim on eth0, with IPv4 routes too (needs CAP_NET_ADMIN).
func ExampleEnsure() {
	shim, err := macvlan.Ensure(context.Background(), macvlan.Config{Parent: "eth0", IPv4: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range shim.Routes {
		fmt.Println(r.Dst, "dev", shim.Name, "metric", r.Metric)
	}
}

// Names are checked before anything is opened: this fails the same way
// unprivileged and on every system.
func ExampleEnsure_badName() {
	_, err := macvlan.Ensure(context.Background(), macvlan.Config{Parent: "eth0", Name: "host shim"})
	fmt.Println(err)
	// Output: macvlan: shim name: interface name "host shim" has '/', ':' or white space; Linux refuses those
}
