package macvlanshim

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/macvlan"
)

// TestBadInputs feeds every class of bad command line (missing, names,
// ranges, conflicts, syntax) and a wireless parent; none needs privileges,
// and none reaches the kernel with a change.
func TestBadInputs(t *testing.T) {
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "class", "net", "wlan0", "wireless"), 0o755); err != nil {
		t.Fatal(err)
	}
	sysRoot = root
	t.Cleanup(func() { sysRoot = "" })
	fakeLinks(t)
	clitest.BadInputs(t, Command, []clitest.BadInput{
		// required
		{Status: 2, Line: "macvlan-shim: -parent is required; give the LAN interface the containers' macvlans sit on, such as -parent eth0"},
		{Args: []string{"-parent", ""}, Status: 2, Line: "macvlan-shim: -parent is required; give the LAN interface the containers' macvlans sit on, such as -parent eth0"},
		{Args: []string{"-json"}, Status: 2, Line: "macvlan-shim: -parent is required; give the LAN interface the containers' macvlans sit on, such as -parent eth0"},
		// names
		{Args: []string{"-parent", "a b"}, Status: 2, Line: `macvlan-shim: -parent: interface name "a b" has '/', ':' or white space; Linux refuses those`},
		{Args: []string{"-parent", "enp3s0-with-a-long-name"}, Status: 2, Line: `macvlan-shim: -parent: interface name "enp3s0-with-a-long-name" is 23 bytes; Linux takes at most 15`},
		{Args: []string{"-parent", "../x"}, Status: 2, Line: `macvlan-shim: -parent: interface name "../x" has '/', ':' or white space; Linux refuses those`},
		{Args: []string{"-parent", "eth0", "-name", ""}, Status: 2, Line: "macvlan-shim: -name: interface name is empty; give a name such as eth0"},
		{Args: []string{"-parent", "eth0", "-name", "my host shim"}, Status: 2, Line: `macvlan-shim: -name: interface name "my host shim" has '/', ':' or white space; Linux refuses those`},
		{Args: []string{"-parent", "eth0", "-name", "host-shim-for-lxd"}, Status: 2, Line: `macvlan-shim: -name: interface name "host-shim-for-lxd" is 17 bytes; Linux takes at most 15`},
		{Args: []string{"-parent", "eth0", "-name", "eth0:1"}, Status: 2, Line: `macvlan-shim: -name: interface name "eth0:1" has '/', ':' or white space; Linux refuses those`},
		{Args: []string{"-parent", "eth0", "-name", "eth0"}, Status: 2, Line: `macvlan-shim: -name "eth0" is the parent's name; give the shim another name`},
		// ranges
		{Args: []string{"-parent", "eth0", "-metric", "0"}, Status: 2, Line: "macvlan-shim: -metric 0 is out of range; give 1 to 4294967295"},
		{Args: []string{"-parent", "eth0", "-metric", "4294967296"}, Status: 2, Line: "macvlan-shim: -metric 4294967296 is out of range; give 1 to 4294967295"},
		{Args: []string{"-parent", "eth0", "-metric", "99999999999"}, Status: 2, Line: "macvlan-shim: -metric 99999999999 is out of range; give 1 to 4294967295"},
		{Args: []string{"-parent", "eth0", "-metric", "99999999999999999999"}, Status: 2, Line: "macvlan-shim: -metric 99999999999999999999 is out of range; give 1 to 4294967295"},
		{Args: []string{"-parent", "eth0", "-metric", "-1"}, Status: 2, Line: "macvlan-shim: -metric -1 is out of range; give 1 to 4294967295"},
		{Args: []string{"-parent", "eth0", "-metric", "1e3"}, Status: 2, Line: `macvlan-shim: -metric "1e3" is not a whole number; give 1 to 4294967295`},
		{Args: []string{"-parent", "eth0", "-metric", ""}, Status: 2, Line: `macvlan-shim: -metric "" is not a whole number; give 1 to 4294967295`},
		{Args: []string{"-parent", "eth0", "-metric", "high"}, Status: 2, Line: `macvlan-shim: -metric "high" is not a whole number; give 1 to 4294967295`},
		// conflicts
		{Args: []string{"-parent", "eth0", "-remove", "-list"}, Status: 2, Line: "macvlan-shim: -remove and -list exclude each other; give one"},
		{Args: []string{"-parent", "eth0", "-remove", "-metric", "50"}, Status: 2, Line: "macvlan-shim: -metric has no effect with -remove; drop it"},
		{Args: []string{"-parent", "eth0", "-list", "-ipv4"}, Status: 2, Line: "macvlan-shim: -ipv4 has no effect with -list; drop it"},
		{Args: []string{"-parent", "eth0", "-list", "-name", "shim0"}, Status: 2, Line: "macvlan-shim: -name has no effect with -list; drop it"},
		// syntax
		{Args: []string{"-parent", "eth0", "eth1"}, Status: 2, Line: `macvlan-shim: unexpected argument "eth1"; every option is a flag (see macvlan-shim -h)`},
		{Args: []string{"-parent", "eth0", "-mode", "bridge"}, Status: 2, Line: "macvlan-shim: -mode: no such flag; see -h for the flags"},
		{Args: []string{"-parent"}, Status: 2, Line: "macvlan-shim: -parent: needs a value"},
		{Args: []string{"-parent", "eth0", "-ipv4=maybe"}, Status: 2, Line: `macvlan-shim: -ipv4 "maybe": not a boolean; give true or false`},
		// unknown or refused parent, before anything is created
		{Args: []string{"-parent", "eth7"}, Status: 2, Line: `macvlan-shim: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "eth7", "-list"}, Status: 2, Line: `macvlan-shim: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "eth7", "-remove"}, Status: 2, Line: `macvlan-shim: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "wlan0"}, Status: 1, Line: `macvlan-shim: parent "wlan0" is a wireless interface (sysfs: wireless/); an access point drops frames from extra MACs, so give a wired interface`},
	})
}

// fakeLinks stands in for the lookup of the parent, so the table runs
// unprivileged and never depends on the machine's own links: only wlan0
// is there (what happens next is decided by the fake sysfs and netlink).
func fakeLinks(t *testing.T) {
	old := iface
	iface = func(name string) (*net.Interface, error) {
		if name == "wlan0" {
			return &net.Interface{Name: name, Index: 2, HardwareAddr: net.HardwareAddr{0, 0x16, 0x3e, 0x65, 0x2b, 0x99}}, nil
		}
		return nil, fmt.Errorf("interface %q not found; list them with 'ip link'", name)
	}
	t.Cleanup(func() { iface = old })
}

// TestJSONGolden pins the -json keys of every output the program prints;
// -h names each.
func TestJSONGolden(t *testing.T) {
	shim := &macvlan.Shim{
		Name: "host-shim", Parent: "eth0", Index: 4, MAC: []byte{2, 0x16, 0x3e, 0x65, 0x2b, 0x99}, Mode: macvlan.ModeBridge,
		Addrs: []netip.Prefix{netip.MustParsePrefix("2001:db8:1:2:16:3eff:fe65:2b99/128")},
		Routes: []macvlan.Route{
			{Dst: netip.MustParsePrefix("192.0.2.0/25"), Src: netip.MustParseAddr("192.0.2.1"), Metric: 100},
			{Dst: netip.MustParsePrefix("2001:db8:1:2::/64"), Metric: 100, PrefHigh: true},
		},
		Created: true, Changed: true,
	}
	var b bytes.Buffer
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(printShim(&b, shim, true))
	must(printShim(&b, &macvlan.Shim{Name: "host-shim", Parent: "eth0", Index: 4, MAC: shim.MAC}, true))
	must(printRemoved(&b, "host-shim", "eth0", true, true))
	must(printRemoved(&b, "host-shim", "eth0", false, true))
	must(printLinks(&b, "eth0", []macvlan.Link{{Name: "ctr0", Index: 3, MAC: []byte{2, 0, 0x5e, 0x10, 0, 3}, Mode: macvlan.ModePrivate}, {Name: "host-shim", Index: 4, MAC: shim.MAC, Mode: macvlan.ModeBridge, Up: true}}, true))
	clitest.Golden(t, "testdata/json.golden", b.Bytes())
	clitest.Mentioned(t, clitest.Help(t, Command), clitest.Keys(t, b.Bytes())...)
}

// TestJSONKeysAlwaysThere: every key -h lists for an object is in it,
// whatever its value: false, 0, none (an empty list) or no source (null).
// created was left out when false.
func TestJSONKeysAlwaysThere(t *testing.T) {
	var ensure, remove, list = []string{"action", "name", "parent", "mac", "index", "created", "changed", "addrs", "routes"},
		[]string{"action", "name", "parent", "changed", "removed"},
		[]string{"name", "parent", "mac", "mode", "index", "up"}
	route := []string{"dst", "src", "metric", "pref_high"}
	var b bytes.Buffer
	bare := &macvlan.Shim{Name: "host-shim", Parent: "eth0", MAC: []byte{2, 0, 0, 0, 0, 1}}
	v6 := &macvlan.Shim{Name: "host-shim", Parent: "eth0", Index: 4, MAC: bare.MAC, Routes: []macvlan.Route{{Dst: netip.MustParsePrefix("2001:db8::/64"), Metric: 1}}}
	for _, s := range []*macvlan.Shim{bare, v6} {
		if err := printShim(&b, s, true); err != nil {
			t.Fatal(err)
		}
	}
	if err := printRemoved(&b, "host-shim", "eth0", false, true); err != nil {
		t.Fatal(err)
	}
	if err := printLinks(&b, "eth0", []macvlan.Link{{Name: "mv0"}}, true); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(b.String()), "\n")
	for i, want := range [][]string{ensure, ensure, remove, list} {
		var obj map[string]any
		if err := json.Unmarshal([]byte(lines[i]), &obj); err != nil {
			t.Fatal(err)
		}
		if got := slices.Sorted(maps.Keys(obj)); !slices.Equal(got, slices.Sorted(slices.Values(want))) {
			t.Errorf("%s\nhas keys %q, want %q", lines[i], got, slices.Sorted(slices.Values(want)))
		}
		if i == 1 {
			r := obj["routes"].([]any)[0].(map[string]any)
			if got := slices.Sorted(maps.Keys(r)); !slices.Equal(got, slices.Sorted(slices.Values(route))) || r["src"] != nil {
				t.Errorf("route %v: keys %q, want %q with src null", r, got, slices.Sorted(slices.Values(route)))
			}
		}
	}
}

// TestPrintReturnsWriteErrors: output errors are returned, so a closed
// stdout ends the program quietly instead of being ignored.
func TestPrintReturnsWriteErrors(t *testing.T) {
	shim := &macvlan.Shim{Name: "host-shim", Parent: "eth0", MAC: []byte{2, 0, 0, 0, 0, 1}}
	for _, asJSON := range []bool{false, true} {
		if err := printShim(failWriter{}, shim, asJSON); err == nil {
			t.Errorf("printShim json=%v to a failing writer = nil", asJSON)
		}
		if err := printLinks(failWriter{}, "eth0", []macvlan.Link{{Name: "a"}}, asJSON); err == nil {
			t.Errorf("printLinks json=%v to a failing writer = nil", asJSON)
		}
		if err := printRemoved(failWriter{}, "a", "eth0", true, asJSON); err == nil {
			t.Errorf("printRemoved json=%v to a failing writer = nil", asJSON)
		}
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, os.ErrClosed }
