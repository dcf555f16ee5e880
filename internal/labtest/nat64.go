//go:build linux

package labtest

import (
	"net/netip"
	"testing"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// The NAT64 network's addresses: documentation ranges only.
var (
	NAT64RouterAddr = netip.MustParseAddr("2001:db8:1:1::1")    // the router on the LAN: RDNSS, DNS64
	NAT64ClientAddr = netip.MustParseAddr("2001:db8:1:1::100")  // the IPv6-only client
	NAT64RouterV4   = netip.MustParseAddr("198.51.100.1")       // the router on the IPv4 internet
	NAT64ServerV4   = netip.MustParseAddr("198.51.100.2")       // the IPv4-only server
	NAT64Pool       = netip.MustParsePrefix("192.168.255.0/24") // tayga's dynamic pool
	NAT64TaygaAddr  = netip.MustParseAddr("2001:db8:1:ffff::1") // tayga's own IPv6 address
	// NAT64AOnlyName has only an A record, NAT64ServerV4.
	NAT64AOnlyName = "a-only.example."
)

// NAT64Options shape a NAT64Net.
type NAT64Options struct {
	// DNS64Prefix is unbound's dns64-prefix; invalid means unbound without
	// DNS64 (NoDNS leaves unbound out altogether).
	DNS64Prefix netip.Prefix
	NoDNS       bool
	// NAT64Prefix is tayga's prefix; invalid means no NAT64.
	NAT64Prefix netip.Prefix
}

// NAT64Net is the IPv6-only client's world: Client on a LAN with Router,
// which runs DNS64 (unbound) and NAT64 (tayga) toward Internet, an IPv4-only
// namespace whose server answers HTTP on NAT64ServerV4 port 80.
type NAT64Net struct {
	Client, Router, Internet *lab.Netns
	Unbound, Tayga           *lab.Daemon
	ServerPort               uint16
}

// NAT64 builds a NAT64Net for a test; it skips without root, ip, unbound
// or tayga (failing under V6KIT_REQUIRE_PEERS=1), and everything goes in
// t.Cleanup.
func NAT64(t testing.TB, l *lab.Lab, o NAT64Options) *NAT64Net {
	t.Helper()
	if !o.NoDNS {
		sdktest.RequireCommands(t, "unbound")
	}
	if o.NAT64Prefix.IsValid() {
		sdktest.RequireCommands(t, "tayga")
	}
	router, client := Pair(t, l, "router", "client")
	inet, err := l.Namespace("inet")
	if err != nil {
		t.Fatal(err)
	}
	n := &NAT64Net{Client: client, Router: router, Internet: inet, ServerPort: 80}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(router.AddAddr("eth0", netip.PrefixFrom(NAT64RouterAddr, 64)))
	must(router.Sysctl("net.ipv6.conf.all.forwarding", "1"))
	must(client.AddAddr("eth0", netip.PrefixFrom(NAT64ClientAddr, 64)))
	must(client.IP("-6", "route", "add", "default", "via", PairLLA.String(), "dev", "eth0"))
	must(l.Veth(router, "eth1", inet, "eth0"))
	must(router.Up("eth1"))
	must(inet.Up("eth0"))
	must(router.AddAddr("eth1", netip.PrefixFrom(NAT64RouterV4, 24)))
	must(inet.AddAddr("eth0", netip.PrefixFrom(NAT64ServerV4, 24)))
	// The IPv4 side routes tayga's pool back to the router: without it the
	// server's answers go nowhere.
	must(inet.IP("route", "add", NAT64Pool.String(), "via", NAT64RouterV4.String()))
	stop, err := inet.ServeHTTP(netip.AddrPortFrom(NAT64ServerV4, n.ServerPort), "hello from the IPv4 internet\n")
	must(err)
	t.Cleanup(stop)
	if !o.NoDNS {
		n.Unbound, err = router.StartUnbound("unbound", lab.UnboundConfig{
			Listen:      []netip.Addr{NAT64RouterAddr},
			DNS64Prefix: o.DNS64Prefix,
			Records:     map[string][]netip.Addr{NAT64AOnlyName: {NAT64ServerV4}},
		})
		must(err)
	}
	if o.NAT64Prefix.IsValid() {
		n.Tayga, err = router.StartTayga("tayga", lab.TaygaConfig{Prefix: o.NAT64Prefix, Pool: NAT64Pool, IPv6Addr: NAT64TaygaAddr})
		must(err)
	}
	return n
}
