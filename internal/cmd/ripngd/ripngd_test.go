package ripngd

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/ripng"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestBadInputs runs the program with bad input of every class and checks
// the exit status and the exact first line on stderr. None needs root: all
// fail before a socket opens.
func TestBadInputs(t *testing.T) {
	for _, tt := range []struct {
		args   string
		status int
		line   string
	}{
		{"", 2, "ripngd: -i is missing; give the interfaces to run on, e.g. -i eth0"},
		{"-cost 99", 2, "ripngd: -i is missing; give the interfaces to run on, e.g. -i eth0"},
		{"-i eth0 -cost 99", 2, "ripngd: -cost 99 is out of range; give 1 to 15"},
		{"-i eth0 -cost 16", 2, "ripngd: -cost 16 is out of range; give 1 to 15"},
		{"-i eth0 -cost 0", 2, "ripngd: -cost 0 is out of range; give 1 to 15"},
		{"-i eth0 -cost 1.5", 2, `ripngd: -cost "1.5": not a whole number; give 1 to 15`},
		{"-i eth0 -tag 70000", 2, "ripngd: -tag 70000 is out of range; give 0 to 65535"},
		{"-i eth0 -tag -1", 2, "ripngd: -tag -1 is out of range; give 0 to 65535"},
		{"-i eth0 -tag x", 2, `ripngd: -tag "x": not a whole number; give 0 to 65535`},
		{"-i eth0 -duration -1s", 2, "ripngd: -duration -1s is not positive; give a duration such as 1m, or leave it out to run until interrupted"},
		{"-i eth0 -duration 0s", 2, "ripngd: -duration 0s is not positive; give a duration such as 1m, or leave it out to run until interrupted"},
		{"-i eth0 -duration soon", 2, `ripngd: -duration "soon": not a duration; give one such as 30s, 5m or 1h`},
		{"-i eth0,eth0", 2, `ripngd: -i "eth0,eth0" names interface "eth0" twice; give each once`},
		{"-i eth0,", 2, `ripngd: -i "eth0,": interface name is empty; give a name such as eth0`},
		{"-i a/b", 2, `ripngd: -i "a/b": interface name "a/b" has '/', ':' or white space; Linux refuses those`},
		{"-i abcdefghijklmnopq", 2, `ripngd: -i "abcdefghijklmnopq": interface name "abcdefghijklmnopq" is 17 bytes; Linux takes at most 15`},
		{"-i eth0 -announce foo", 2, `ripngd: -announce "foo" is not a prefix; give one such as 2001:db8:1::/48`},
		{"-i eth0 -announce 2001:db8::1/64", 2, "ripngd: -announce 2001:db8::1/64 has host bits set; give 2001:db8::/64"},
		{"-i eth0 -announce 10.0.0.0/8", 2, "ripngd: -announce 10.0.0.0/8 is not IPv6; RIPng carries IPv6 prefixes only"},
		{"-i eth0 -announce fe80::/64", 2, "ripngd: -announce fe80::/64 is link-local or multicast; RIPng ignores such prefixes (RFC 2080 §2.4.2)"},
		{"-i eth0 -announce ff02::/16", 2, "ripngd: -announce ff02::/16 is link-local or multicast; RIPng ignores such prefixes (RFC 2080 §2.4.2)"},
		{"-i eth0 -announce 2001:db8::/32 -announce 2001:db8::/32", 2, "ripngd: -announce 2001:db8::/32 given twice; give each prefix once"},
		{"-i eth0 -bogus", 2, "ripngd: -bogus: no such flag; see -h for the flags"},
		{"-i eth0 extra", 2, `ripngd: unexpected argument "extra"; every option is a flag (see ripngd -h)`},
		{"-i v6kit-nosuch0", 1, `ripngd: interface "v6kit-nosuch0" not found; list them with 'ip link'`},
		{"-i lo", 1, `ripngd: interface "lo" has no IPv6 link-local address; bring it up with IPv6 enabled`},
	} {
		t.Run(tt.args, func(t *testing.T) {
			var out, errb bytes.Buffer
			status := cli.Main(t.Context(), Command, strings.Fields(tt.args), &out, &errb)
			line, _, _ := strings.Cut(errb.String(), "\n")
			if status != tt.status || line != tt.line {
				t.Errorf("ripngd %s: status %d, stderr:\n%s\nwant status %d and first line\n%s", tt.args, status, errb.String(), tt.status, tt.line)
			}
			if out.Len() != 0 {
				t.Errorf("stdout: %q", out.String())
			}
		})
	}
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
	golden := filepath.Join("testdata", "routes.golden")
	if *update {
		if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if b.String() != string(want) {
		t.Errorf("-json output:\n%s\nwant (%s):\n%s", b.String(), golden, want)
	}
	var m map[string]any
	if err := json.Unmarshal(bytes.SplitN(want, []byte("\n"), 2)[0], &m); err != nil {
		t.Fatal(err)
	}
	for k := range m {
		if !strings.Contains(Command.Help, "\n  "+k+" ") {
			t.Errorf("-json key %q is not documented in the help", k)
		}
	}
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
