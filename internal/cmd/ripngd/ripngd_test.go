package ripngd

import (
	"bytes"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/ripng"
)

// TestBadInputs runs the program with bad input of every class and checks
// the exit status and the exact first line on stderr. None needs root: all
// fail before a socket opens.
func TestBadInputs(t *testing.T) {
	clitest.BadInputs(t, Command, []clitest.BadInput{
		{Status: 2, Line: "ripngd: -i is missing; give the interfaces to run on, e.g. -i eth0"},
		{Args: []string{"-cost", "99"}, Status: 2, Line: "ripngd: -i is missing; give the interfaces to run on, e.g. -i eth0"},
		{Args: []string{"-i", "eth0", "-cost", "99"}, Status: 2, Line: "ripngd: -cost 99 is out of range; give 1 to 15"},
		{Args: []string{"-i", "eth0", "-cost", "16"}, Status: 2, Line: "ripngd: -cost 16 is out of range; give 1 to 15"},
		{Args: []string{"-i", "eth0", "-cost", "0"}, Status: 2, Line: "ripngd: -cost 0 is out of range; give 1 to 15"},
		{Args: []string{"-i", "eth0", "-cost", "1.5"}, Status: 2, Line: `ripngd: -cost "1.5": not a whole number; give 1 to 15`},
		{Args: []string{"-i", "eth0", "-tag", "70000"}, Status: 2, Line: "ripngd: -tag 70000 is out of range; give 0 to 65535"},
		{Args: []string{"-i", "eth0", "-tag", "-1"}, Status: 2, Line: "ripngd: -tag -1 is out of range; give 0 to 65535"},
		{Args: []string{"-i", "eth0", "-tag", "x"}, Status: 2, Line: `ripngd: -tag "x": not a whole number; give 0 to 65535`},
		{Args: []string{"-i", "eth0", "-duration", "-1s"}, Status: 2, Line: "ripngd: -duration -1s is not positive; give a duration such as 1m, or leave it out to run until interrupted"},
		{Args: []string{"-i", "eth0", "-duration", "0s"}, Status: 2, Line: "ripngd: -duration 0s is not positive; give a duration such as 1m, or leave it out to run until interrupted"},
		{Args: []string{"-i", "eth0", "-duration", "soon"}, Status: 2, Line: `ripngd: -duration "soon": not a duration; give one such as 30s, 5m or 1h`},
		{Args: []string{"-i", "eth0,eth0"}, Status: 2, Line: `ripngd: -i "eth0,eth0" names interface "eth0" twice; give each once`},
		{Args: []string{"-i", "eth0,"}, Status: 2, Line: `ripngd: -i "eth0,": interface name is empty; give a name such as eth0`},
		{Args: []string{"-i", "a/b"}, Status: 2, Line: `ripngd: -i "a/b": interface name "a/b" has '/', ':' or white space; Linux refuses those`},
		{Args: []string{"-i", "abcdefghijklmnopq"}, Status: 2, Line: `ripngd: -i "abcdefghijklmnopq": interface name "abcdefghijklmnopq" is 17 bytes; Linux takes at most 15`},
		{Args: []string{"-i", "eth0", "-announce", "foo"}, Status: 2, Line: `ripngd: -announce "foo" is not a prefix; give one such as 2001:db8:1::/48`},
		{Args: []string{"-i", "eth0", "-announce", "2001:db8::1/64"}, Status: 2, Line: "ripngd: -announce 2001:db8::1/64 has host bits set; give 2001:db8::/64"},
		{Args: []string{"-i", "eth0", "-announce", "10.0.0.0/8"}, Status: 2, Line: "ripngd: -announce 10.0.0.0/8 is not IPv6; RIPng carries IPv6 prefixes only"},
		{Args: []string{"-i", "eth0", "-announce", "fe80::/64"}, Status: 2, Line: "ripngd: -announce fe80::/64 is link-local or multicast; RIPng ignores such prefixes (RFC 2080 §2.4.2)"},
		{Args: []string{"-i", "eth0", "-announce", "ff02::/16"}, Status: 2, Line: "ripngd: -announce ff02::/16 is link-local or multicast; RIPng ignores such prefixes (RFC 2080 §2.4.2)"},
		{Args: []string{"-i", "eth0", "-announce", "2001:db8::/32", "-announce", "2001:db8::/32"}, Status: 2, Line: "ripngd: -announce 2001:db8::/32 given twice; give each prefix once"},
		{Args: []string{"-i", "eth0", "-bogus"}, Status: 2, Line: "ripngd: -bogus: no such flag; see -h for the flags"},
		{Args: []string{"-i", "eth0", "extra"}, Status: 2, Line: `ripngd: unexpected argument "extra"; every option is a flag (see ripngd -h)`},
		// Interfaces that are not there, or cannot carry RIPng, are usage
		// errors: nothing was opened.
		{Args: []string{"-i", "v6kit-nosuch0"}, Status: 2, Line: `ripngd: -i: interface "v6kit-nosuch0" not found; list them with 'ip link'`},
		{Args: []string{"-i", "v6kit-nosuch0,lo"}, Status: 2, Line: `ripngd: -i: interface "v6kit-nosuch0" not found; list them with 'ip link'`},
		{Args: []string{"-i", "lo"}, Status: 2, Line: `ripngd: -i: interface "lo" is the loopback, which has no link-local address; RIPng runs on links with link-local addresses, so pick a LAN or WAN interface`},
	})
}

// TestJSONGolden pins the -json keys and their types; -update rewrites
// testdata/routes.golden. Every key is documented in the help.
func TestJSONGolden(t *testing.T) {
	rs := []ripng.RouteInfo{
		{Prefix: netip.MustParsePrefix("2001:db8:a::/48"), NextHop: netip.MustParseAddr("fe80::a"), Metric: 2, Tag: 5, Interface: "eth0", From: netip.MustParseAddr("fe80::a"), Source: "rip"},
		{Prefix: netip.MustParsePrefix("2001:db8:b::/48"), Metric: 1, Source: "static"},
		{Prefix: netip.MustParsePrefix("2001:db8:c::/48"), NextHop: netip.MustParseAddr("fe80::c"), Metric: 16, Tag: 65535, Interface: "eth1", From: netip.MustParseAddr("fe80::c"), Source: "rip"},
	}
	var b bytes.Buffer
	if err := writeRoutes(&b, rs, true); err != nil {
		t.Fatal(err)
	}
	clitest.Golden(t, filepath.Join("testdata", "routes.golden"), b.Bytes())
	clitest.Documented(t, clitest.Help(t, Command), clitest.Keys(t, b.Bytes())...)
}

func TestWriteRoutes(t *testing.T) {
	rs := []ripng.RouteInfo{
		{Prefix: netip.MustParsePrefix("2001:db8:a::/48"), NextHop: netip.MustParseAddr("fe80::a"), Metric: 2, Tag: 5, Interface: "eth0", From: netip.MustParseAddr("fe80::a"), Source: "rip", Age: 3 * time.Second},
		{Prefix: netip.MustParsePrefix("2001:db8:b::/48"), Metric: 1, Source: "static"},
	}
	var b bytes.Buffer
	if err := writeRoutes(&b, rs, true); err != nil {
		t.Fatal(err)
	}
	want := `{"prefix":"2001:db8:a::/48","nexthop":"fe80::a","metric":2,"tag":5,"iface":"eth0","from":"fe80::a"}
{"prefix":"2001:db8:b::/48","nexthop":"::","metric":1,"tag":0,"iface":"","from":"::"}
`
	if b.String() != want {
		t.Errorf("-json output:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := writeRoutes(&b, rs, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2001:db8:a::/48          via fe80::a on eth0") || !strings.Contains(b.String(), "self") {
		t.Errorf("text output:\n%s", b.String())
	}
}

func TestWriteViews(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	err := writeViews(&b,
		[]ripng.InterfaceInfo{{Name: "eth0", Up: true, Cost: 1, Neighbors: 2, NextUpdate: now.Add(12500 * time.Millisecond)}},
		[]ripng.NeighborInfo{{Addr: netip.MustParseAddr("fe80::2"), Interface: "eth0", Routes: 3, LastSeen: now.Add(-2 * time.Second), BadRoutes: 1}},
		now)
	if err != nil {
		t.Fatal(err)
	}
	want := `
Interface  State Metric   Nbrs    Timer
eth0       Up         1      2   12.500

IP address                Interface  Routes     Seen  BadPkts  BadRtes
fe80::2                   eth0            3    2.000        0        1
`
	if b.String() != want {
		t.Errorf("views:\n%s\nwant:\n%s", b.String(), want)
	}
}
