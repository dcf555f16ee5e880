package v6onlyserver

import (
	"net/netip"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/labtest"
)

// TestCommandInterfaceFacts: the interface's IPv4 subnet, read before any
// socket opens, bounds -range and -router; an interface without IPv4 is
// refused.
func TestCommandInterfaceFacts(t *testing.T) {
	l := labtest.New(t)
	srv, _ := labtest.Pair(t, l, "srv", "cli")
	// Every case runs in the server's namespace, without a lease file.
	clitest.BadInputsIn(t, srv.Run, Command, []clitest.BadInput{
		{Name: "no IPv4", Args: []string{"-i", "eth0", "-range", "192.0.2.100-192.0.2.200", "-leases", ""}, Status: 2, Line: `v6only-server: interface "eth0" has no IPv4 address; add one (ip addr add 192.0.2.1/24 dev eth0) before serving`},
	})
	if err := srv.AddAddr("eth0", netip.MustParsePrefix("192.0.2.1/24")); err != nil {
		t.Fatal(err)
	}
	clitest.BadInputsIn(t, srv.Run, Command, []clitest.BadInput{
		{Args: []string{"-i", "eth0", "-range", "198.51.100.10-198.51.100.20", "-leases", ""}, Status: 2, Line: "v6only-server: -range 198.51.100.10-198.51.100.20 is outside eth0's subnets (192.0.2.0/24); give addresses inside one"},
		{Args: []string{"-i", "eth0", "-range", "192.0.2.100-192.0.2.200", "-router", "198.51.100.1", "-leases", ""}, Status: 2, Line: "v6only-server: -router 198.51.100.1 is not a host of the subnet 192.0.2.0/24; give a router on the link"},
		{Args: []string{"-i", "eth0", "-range", "192.0.2.100-192.0.2.200", "-mask", "40", "-leases", ""}, Status: 2, Line: "v6only-server: -mask 40 is out of range; give a prefix length from 1 to 31"},
		{Args: []string{"-i", "eth0", "-range", "192.0.2.100-192.0.2.200", "-mask", "25", "-leases", ""}, Status: 2, Line: "v6only-server: -range 192.0.2.100-192.0.2.200 is outside eth0's subnets (192.0.2.0/25); give addresses inside one"},
	})
}
