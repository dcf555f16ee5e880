package v6onlyserver

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/labtest"
)

// TestCommandInterfaceFacts: the interface's IPv4 subnet, read before any
// socket opens, bounds -range and -router; an interface without IPv4 is
// refused.
func TestCommandInterfaceFacts(t *testing.T) {
	l := labtest.New(t)
	srv, _ := labtest.Pair(t, l, "srv", "cli")
	main := func(args ...string) (int, string) {
		var out, errb bytes.Buffer
		var status int
		if err := srv.Run(func() error {
			status = cli.Main(context.Background(), Command, append(args, "-leases", ""), &out, &errb)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		line, _, _ := strings.Cut(errb.String(), "\n")
		return status, line
	}
	if st, line := main("-i", "eth0", "-range", "192.0.2.100-192.0.2.200"); st != 2 ||
		line != `v6only-server: interface "eth0" has no IPv4 address; add one (ip addr add 192.0.2.1/24 dev eth0) before serving` {
		t.Errorf("no IPv4: %d %q", st, line)
	}
	if err := srv.AddAddr("eth0", netip.MustParsePrefix("192.0.2.1/24")); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		args []string
		line string
	}{
		{[]string{"-i", "eth0", "-range", "198.51.100.10-198.51.100.20"}, "v6only-server: -range 198.51.100.10-198.51.100.20 is outside eth0's subnets (192.0.2.0/24); give addresses inside one"},
		{[]string{"-i", "eth0", "-range", "192.0.2.100-192.0.2.200", "-router", "198.51.100.1"}, "v6only-server: -router 198.51.100.1 is not a host of the subnet 192.0.2.0/24; give a router on the link"},
		{[]string{"-i", "eth0", "-range", "192.0.2.100-192.0.2.200", "-mask", "40"}, "v6only-server: -mask 40 is out of range; give a prefix length from 1 to 31"},
		{[]string{"-i", "eth0", "-range", "192.0.2.100-192.0.2.200", "-mask", "25"}, "v6only-server: -range 192.0.2.100-192.0.2.200 is outside eth0's subnets (192.0.2.0/25); give addresses inside one"},
	} {
		if st, line := main(tt.args...); st != 2 || line != tt.line {
			t.Errorf("v6only-server %q: %d %q, want 2 %q", tt.args, st, line, tt.line)
		}
	}
}
