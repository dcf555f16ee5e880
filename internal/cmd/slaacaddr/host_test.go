package slaacaddr

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/netip"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/slaac"
	"github.com/v6kit/v6kit/slaac/host"
)

func TestHostBadInputs(t *testing.T) {
	var linux []clitest.BadInput
	if runtime.GOOS == "linux" { // elsewhere -i is unsupported (exit 1)
		// An interface this host lacks is a usage error, as in v6disc
		// and the v6only programs; it was a failure (exit 1).
		linux = append(linux, clitest.BadInput{Name: "no such interface", Args: []string{"-i", "v6k-sa-nosuch"}, Status: cli.ExitUsage, Line: `slaacaddr: -i: interface "v6k-sa-nosuch" not found; list them with 'ip link'`})
	}
	clitest.BadInputs(t, Command, append(linux, []clitest.BadInput{
		{Name: "i and mode", Args: []string{"-i", "eth0", "-mode", "linux"}, Status: cli.ExitUsage, Line: `slaacaddr: -i reads this host's own configuration, -mode computes from flags; give one of them`},
		{Name: "empty i", Args: []string{"-i", ""}, Status: cli.ExitUsage, Line: `slaacaddr: -i: interface name is empty; give a name such as eth0`},
		{Name: "long i", Args: []string{"-i", "a-very-long-interface"}, Status: cli.ExitUsage, Line: `slaacaddr: -i: interface name "a-very-long-interface" is 21 bytes; Linux takes at most 15`},
		{Name: "i with slash", Args: []string{"-i", "../eth0"}, Status: cli.ExitUsage, Line: `slaacaddr: -i: interface name "../eth0" has '/', ':' or white space; Linux refuses those`},
		{Name: "i bad prefix", Args: []string{"-i", "eth0", "-prefix", "2001:db8::/48"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix 2001:db8::/48 is not an IPv6 /64; SLAAC forms addresses only in a /64 (RFC 4862), such as 2001:db8:1:2::/64`},
		{Name: "i multicast prefix", Args: []string{"-i", "eth0", "-prefix", "ff02::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix ff02::/64 is multicast; SLAAC forms unicast addresses, give a unicast /64 such as 2001:db8:1:2::/64`},
		{Name: "i prefix host bits", Args: []string{"-i", "eth0", "-prefix", "2001:db8:1:2::1/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -prefix 2001:db8:1:2::1/64 has host bits set; give the prefix, 2001:db8:1:2::/64`},
		{Name: "i linklocal and prefix", Args: []string{"-i", "eth0", "-linklocal", "-prefix", "2001:db8::/64"}, Status: cli.ExitUsage, Line: `slaacaddr: -linklocal and -prefix exclude each other; give -prefix for a global address or -linklocal for fe80::/64`},
		{Name: "i with a mode flag", Args: []string{"-i", "eth0", "-secret", "::1"}, Status: cli.ExitUsage, Line: `slaacaddr: -secret does not apply to -i (it reads the host's own configuration); drop it`},
		{Name: "i negative dad", Args: []string{"-i", "eth0", "-dad", "-2"}, Status: cli.ExitUsage, Line: `slaacaddr: -dad -2 is negative; give the number of DAD conflicts before this address (0 for the first)`},
	}...))
}

// fakeHost is a kernel host in addr_gen_mode 0 (EUI-64: the same on
// every CPU, unlike the kernel's stable-privacy hash) that has learnt two
// prefixes from RAs and holds its address on the first; "off0" has
// accept_ra 0, so it learns none.
func fakeHost(ifname string) (*slaac.Host, *host.Link, error) {
	sysctls := map[string]string{"addr_gen_mode": "0"}
	switch ifname {
	case "eth0", "nm0":
	case "off0":
		sysctls["accept_ra"] = "0"
	default:
		return nil, nil, host.ErrNoInterface
	}
	k, err := slaac.ParseKernelConf(ifname, sysctls)
	if err != nil {
		return nil, nil, err
	}
	mac := net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}
	h := &slaac.Host{IfName: ifname, Index: 2, MAC: mac, Kernel: k}
	if ifname == "nm0" { // NetworkManager, stable-privacy
		c, err := slaac.ParseNMConnection([]byte("[connection]\nid=lan\nuuid=5f7e0f3c-6c2b-4b6e-9a51-0d0e7e1c2a11\n[ipv6]\nmethod=auto\naddr-gen-mode=stable-privacy\n"))
		if err != nil {
			return nil, nil, err
		}
		h.Manager = slaac.ManagerNetworkManager
		h.NM = &slaac.NMHost{Connection: c, ConnectionFile: "/etc/NetworkManager/system-connections/lan.nmconnection", HostID: []byte("host-id"), BootID: "boot"}
	}
	l := &host.Link{Name: ifname, Index: 2, MAC: mac,
		Addrs:      []host.Addr{{Prefix: netip.MustParsePrefix("2001:db8:1:2:11:22ff:fe33:4455/64")}},
		RAPrefixes: []netip.Prefix{netip.MustParsePrefix("2001:db8:1:2::/64"), netip.MustParsePrefix("fd00:db8:77::/64")},
	}
	if ifname == "off0" {
		l.RAPrefixes = nil
	}
	return h, l, nil
}

func runFake(t *testing.T, o Options) string {
	t.Helper()
	o.read = fakeHost
	var out bytes.Buffer
	if err := Run(context.Background(), o, &out); err != nil {
		t.Fatal(err)
	}
	return out.String()
}

func TestHostJSONKeys(t *testing.T) {
	clitest.Golden(t, filepath.Join("testdata", "host.golden"), []byte(runFake(t, Options{Interface: "eth0", JSON: true})))
	// The prefix asked about stays in the line (it was "").
	clitest.Golden(t, filepath.Join("testdata", "host-no-address.golden"), []byte(runFake(t, Options{Interface: "off0", Prefix: "2001:db8:1:2::/64", JSON: true})))
}

func TestHostText(t *testing.T) {
	got := runFake(t, Options{Interface: "eth0"})
	want := "2001:db8:1:2:11:22ff:fe33:4455 eui64 present (net.ipv6.conf.eth0.addr_gen_mode=0, MAC 02:11:22:33:44:55)\n" +
		"fd00:db8:77:0:11:22ff:fe33:4455 eui64 absent (net.ipv6.conf.eth0.addr_gen_mode=0, MAC 02:11:22:33:44:55)\n"
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	// A host that forms no address says so once per prefix, or once
	// without one: it learns none, and "give -prefix" would mislead.
	for _, tt := range []struct{ prefix, want string }{
		{"2001:db8:1:2::/64", "2001:db8:1:2::/64 no address: the kernel does not autoconfigure off0 (accept_ra 0, forwarding 0, autoconf true)\n"},
		{"", "no address: the kernel does not autoconfigure off0 (accept_ra 0, forwarding 0, autoconf true)\n"},
	} {
		if got := runFake(t, Options{Interface: "off0", Prefix: tt.prefix}); got != tt.want {
			t.Errorf("off0 -prefix %q:\n%q\nwant\n%q", tt.prefix, got, tt.want)
		}
	}
	if ll := runFake(t, Options{Interface: "eth0", LinkLocal: true}); !strings.HasPrefix(ll, "fe80::") {
		t.Errorf("-linklocal: %q", ll)
	}
	var out bytes.Buffer
	err := Run(context.Background(), Options{Interface: "eth9", read: fakeHost}, &out)
	if !errors.Is(err, cli.ErrUsage) || err.Error() != `-i: interface "eth9" not found; list them with 'ip link'` {
		t.Errorf("eth9: %v", err)
	}
}

func TestHelpDocumentsHostKeys(t *testing.T) {
	clitest.Documented(t, clitest.Help(t, Command), "interface", "manager", "prefix", "address", "iid", "dad_counter", "rule", "source", "present", "no_address")
}

// TestHostNMDADLimit: -i on a NetworkManager host holds -dad to the
// counters NetworkManager's loop tries (0..2 global), as -mode nm does:
// its hash takes any counter, but NetworkManager never forms counter 3.
func TestHostNMDADLimit(t *testing.T) {
	if out := runFake(t, Options{Interface: "nm0", DAD: 2}); !strings.Contains(out, "nm-stable-privacy") {
		t.Fatalf("-dad 2 on an NM host: %q", out)
	}
	var out bytes.Buffer
	err := Run(context.Background(), Options{Interface: "nm0", DAD: 3, read: fakeHost}, &out)
	if err == nil || !strings.Contains(err.Error(), "-dad 3 is past the retries nm-stable-privacy makes") {
		t.Errorf("-dad 3 on an NM host: %v, output %q", err, out.String())
	}
}
