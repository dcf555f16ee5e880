package v6onlyserver

import (
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
)

// TestCommandBadInputs feeds v6only-server bad inputs of every class and
// checks the exit status and the one line it prints. Everything is caught
// before a socket opens, so it runs unprivileged; lo (127.0.0.1/8) is the
// interface whose facts are read.
func TestCommandBadInputs(t *testing.T) {
	ok := []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", ""}
	with := func(extra ...string) []string { return append(append([]string{}, ok...), extra...) }
	clitest.BadInputs(t, Command, []clitest.BadInput{
		{Name: "no flags", Status: 2, Line: "v6only-server: -i is required; give the interface to serve on, e.g. -i eth0"},
		{Name: "unknown flag", Args: []string{"-x"}, Status: 2, Line: "v6only-server: -x: no such flag; see -h for the flags"},
		{Name: "stray argument", Args: with("eth0"), Status: 2, Line: `v6only-server: unexpected argument "eth0"; every option is a flag (see v6only-server -h)`},
		{Name: "empty interface name", Args: []string{"-i", "", "-range", "127.0.0.10-127.0.0.20"}, Status: 2, Line: "v6only-server: -i is required; give the interface to serve on, e.g. -i eth0"},
		{Name: "long interface name", Args: []string{"-i", "abcdefghijklmnop", "-range", "127.0.0.10-127.0.0.20"}, Status: 2, Line: `v6only-server: -i: interface name "abcdefghijklmnop" is 16 bytes; Linux takes at most 15`},
		{Name: "interface name with space", Args: []string{"-i", "eth 0", "-range", "127.0.0.10-127.0.0.20"}, Status: 2, Line: `v6only-server: -i: interface name "eth 0" has '/', ':' or white space; Linux refuses those`},
		{Name: "no such interface", Args: []string{"-i", "nosuch0", "-range", "127.0.0.10-127.0.0.20"}, Status: 2, Line: `v6only-server: -i: interface "nosuch0" not found; list them with 'ip link'`},
		{Name: "no range", Args: []string{"-i", "lo"}, Status: 2, Line: "v6only-server: -range is required; give FIRST-LAST, e.g. -range 192.0.2.100-192.0.2.200"},
		{Name: "range one address", Args: []string{"-i", "lo", "-range", "127.0.0.10"}, Status: 2, Line: `v6only-server: -range "127.0.0.10" is not FIRST-LAST; give e.g. 192.0.2.100-192.0.2.200`},
		{Name: "range reversed", Args: []string{"-i", "lo", "-range", "127.0.0.20-127.0.0.10"}, Status: 2, Line: `v6only-server: -range "127.0.0.20-127.0.0.10" ends before it starts; give FIRST ≤ LAST`},
		{Name: "range IPv6", Args: []string{"-i", "lo", "-range", "2001:db8::1-2001:db8::2"}, Status: 2, Line: `v6only-server: -range "2001:db8::1-2001:db8::2" is not two IPv4 addresses; give e.g. 192.0.2.100-192.0.2.200`},
		{Name: "range garbage", Args: []string{"-i", "lo", "-range", "x-y"}, Status: 2, Line: `v6only-server: -range "x-y" is not two IPv4 addresses; give e.g. 192.0.2.100-192.0.2.200`},
		{Name: "range outside the subnet", Args: []string{"-i", "lo", "-range", "192.0.2.10-192.0.2.20"}, Status: 2, Line: "v6only-server: -range 192.0.2.10-192.0.2.20 is outside lo's subnets (127.0.0.0/8); give addresses inside one"},
		{Name: "range across the subnet's end", Args: []string{"-i", "lo", "-range", "127.255.255.250-128.0.0.5"}, Status: 2, Line: "v6only-server: -range 127.255.255.250-128.0.0.5 is outside lo's subnets (127.0.0.0/8); give addresses inside one"},
		{Name: "range with the network address", Args: []string{"-i", "lo", "-range", "127.0.0.0-127.0.0.5", "-server-id", "127.0.0.1", "-mask", "24"}, Status: 2, Line: "v6only-server: -range 127.0.0.0-127.0.0.5 includes the network or broadcast address of 127.0.0.0/24; give host addresses only"},
		{Name: "range with the broadcast address", Args: []string{"-i", "lo", "-range", "127.0.0.200-127.0.0.255", "-mask", "24"}, Status: 2, Line: "v6only-server: -range 127.0.0.200-127.0.0.255 includes the network or broadcast address of 127.0.0.0/24; give host addresses only"},
		{Name: "range with the server's address", Args: []string{"-i", "lo", "-range", "127.0.0.1-127.0.0.5"}, Status: 2, Line: "v6only-server: -range 127.0.0.1-127.0.0.5 includes the server's own address 127.0.0.1; leave it out"},
		{Name: "mask 40", Args: with("-mask", "40"), Status: 2, Line: "v6only-server: -mask 40 is out of range; give a prefix length from 1 to 31"},
		{Name: "mask 0", Args: with("-mask", "0"), Status: 2, Line: "v6only-server: -mask 0 is out of range; give a prefix length from 1 to 31, or leave -mask out for the interface's"},
		{Name: "mask 32", Args: with("-mask", "32"), Status: 2, Line: "v6only-server: -mask 32 is out of range; give a prefix length from 1 to 31"},
		{Name: "mask negative", Args: with("-mask", "-1"), Status: 2, Line: "v6only-server: -mask -1 is out of range; give a prefix length from 1 to 31"},
		{Name: "mask too narrow for the range", Args: with("-mask", "30"), Status: 2, Line: "v6only-server: -range 127.0.0.10-127.0.0.20 is outside lo's subnets (127.0.0.0/30); give addresses inside one"},
		{Name: "mask not a number", Args: with("-mask", "x"), Status: 2, Line: `v6only-server: -mask "x": not a whole number; see -h`},
		{Name: "router off the subnet", Args: with("-router", "192.0.2.1"), Status: 2, Line: "v6only-server: -router 192.0.2.1 is not a host of the subnet 127.0.0.0/8; give a router on the link"},
		{Name: "router is the broadcast address", Args: with("-router", "127.255.255.255"), Status: 2, Line: "v6only-server: -router 127.255.255.255 is not a host of the subnet 127.0.0.0/8; give a router on the link"},
		{Name: "router inside the range", Args: with("-router", "127.0.0.15"), Status: 2, Line: "v6only-server: -router 127.0.0.15 is inside -range 127.0.0.10-127.0.0.20; leave it out of the pool"},
		{Name: "router IPv6", Args: with("-router", "fe80::1"), Status: 2, Line: `v6only-server: -router "fe80::1" is not an IPv4 address; give one such as 192.0.2.1`},
		{Name: "server-id not ours", Args: with("-server-id", "127.0.0.2"), Status: 2, Line: "v6only-server: -server-id 127.0.0.2 is not an address of lo; give 127.0.0.1 or omit it"},
		{Name: "server-id garbage", Args: with("-server-id", "one"), Status: 2, Line: `v6only-server: -server-id "one" is not an IPv4 address; give one such as 192.0.2.1`},
		{Name: "dns twice", Args: with("-dns", "192.0.2.53,192.0.2.53"), Status: 2, Line: "v6only-server: -dns lists 192.0.2.53 twice; give each server once"},
		{Name: "dns multicast", Args: with("-dns", "224.0.0.251"), Status: 2, Line: "v6only-server: -dns 224.0.0.251 is not a unicast IPv4 address; give a DNS server's address"},
		{Name: "dns unspecified", Args: with("-dns", "0.0.0.0"), Status: 2, Line: "v6only-server: -dns 0.0.0.0 is not a unicast IPv4 address; give a DNS server's address"},
		{Name: "dns empty element", Args: with("-dns", "192.0.2.53,"), Status: 2, Line: `v6only-server: -dns "" is not an IPv4 address; give one such as 192.0.2.1`},
		{Name: "dns too many", Args: with("-dns", manyDNS(64)), Status: 2, Line: "v6only-server: -dns has 64 addresses; option 6 holds at most 63"},
		{Name: "wait negative", Args: with("-v6only-wait", "-1"), Status: 2, Line: "v6only-server: -v6only-wait -1 is out of range; give 0 to 4294967295 seconds (1800 is RFC 8925's default)"},
		{Name: "wait 2^32", Args: with("-v6only-wait", "4294967296"), Status: 2, Line: "v6only-server: -v6only-wait 4294967296 is out of range; give 0 to 4294967295 seconds (1800 is RFC 8925's default)"},
		{Name: "lease zero", Args: with("-lease", "0"), Status: 2, Line: "v6only-server: -lease 0s is not a positive time; give e.g. -lease 1h"},
		{Name: "lease negative", Args: with("-lease", "-1s"), Status: 2, Line: "v6only-server: -lease -1s is not a positive time; give e.g. -lease 1h"},
		{Name: "lease too short", Args: with("-lease", "30s"), Status: 2, Line: "v6only-server: -lease 30s is out of range; give 1m0s to 1193046h28m14s"},
		{Name: "lease too long", Args: with("-lease", "4294967295s"), Status: 2, Line: "v6only-server: -lease 1193046h28m15s is out of range; give 1m0s to 1193046h28m14s"},
		{Name: "lease fraction", Args: with("-lease", "90.5s"), Status: 2, Line: "v6only-server: -lease 1m30.5s is not whole seconds; option 51 carries seconds"},
		{Name: "lease no unit", Args: with("-lease", "3600"), Status: 2, Line: `v6only-server: -lease "3600": not a duration; give one such as 30s, 5m or 1h`},
		{Name: "workers zero", Args: with("-workers", "0"), Status: 2, Line: "v6only-server: -workers 0 is out of range; give 1 to 1024"},
		{Name: "workers too many", Args: with("-workers", "5000"), Status: 2, Line: "v6only-server: -workers 5000 is out of range; give 1 to 1024"},
		{Name: "json and quiet", Args: with("-json", "-quiet"), Status: 2, Line: "v6only-server: -json and -quiet exclude each other; give one"},
		{Name: "lease file in a place that cannot be", Args: []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", "/proc/nosuch/v6only.leases"}, Status: 1, Line: `v6only-server: lease file "/proc/nosuch/v6only.leases": mkdir /proc/nosuch: no such file or directory`},
		{Name: "lease file corrupt", Args: []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", corruptLeases(t)}, Status: 1, Line: "v6only-server: lease file \"" + corruptLeases(t) + "\" line 2: \"ack 02:00:5e:00:53:01 nonsense 1\" is not \"ack MAC ADDR EXPIRES\" or \"release MAC ADDR\"; fix or remove the file"},
	})
}

func manyDNS(n int) string {
	s := make([]string, n)
	for i := range s {
		s[i] = netip.AddrFrom4([4]byte{192, 0, 2, byte(i + 1)}).String()
	}
	return strings.Join(s, ",")
}

var corruptPath string

func corruptLeases(t *testing.T) string {
	if corruptPath == "" {
		corruptPath = filepath.Join(os.TempDir(), "v6only-server-corrupt-test.leases")
		if err := os.WriteFile(corruptPath, []byte(leaseHeader+"ack 02:00:5e:00:53:01 nonsense 1\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { os.Remove(corruptPath); os.Remove(corruptPath + ".lock"); corruptPath = "" })
	}
	return corruptPath
}

// TestValidateInterfaceFacts covers what cli.Main cannot reach unprivileged.
func TestValidateInterfaceFacts(t *testing.T) {
	o := opts()
	o.Interface = "eth0"
	if _, err := o.validate(nil); err == nil || err.Error() != `interface "eth0" has no IPv4 address; add one (ip addr add 192.0.2.1/24 dev eth0) before serving` {
		t.Errorf("no IPv4: %v", err)
	}
	if _, err := o.validate([]netip.Prefix{netip.MustParsePrefix("192.0.2.1/32")}); err == nil || !strings.Contains(err.Error(), "outside") {
		t.Errorf("a /32 address: %v", err)
	}
	o.First, o.Last = netip.MustParseAddr("192.0.2.0"), netip.MustParseAddr("192.0.2.0")
	if c, err := o.validate([]netip.Prefix{netip.MustParsePrefix("192.0.2.1/31")}); err != nil || c.subnet.Bits() != 31 {
		t.Errorf("a /31 (RFC 3021) with the other address as pool: %v", err)
	}
}

// TestHelpDocumentsJSONKeys: every key of a decision is in -h.
func TestHelpDocumentsJSONKeys(t *testing.T) {
	help := clitest.Help(t, Command)
	for _, k := range regexp.MustCompile(`json:"([a-z0-9_]+)"`).FindAllStringSubmatch(decisionSource(t), -1) {
		clitest.Documented(t, help, k[1])
	}
	if !strings.HasPrefix(help, "usage: v6only-server -i IF") {
		t.Errorf("-h lacks the synopsis:\n%s", help)
	}
}

func decisionSource(t *testing.T) string {
	b, err := os.ReadFile("log.go")
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestJSONGolden pins the -json keys, their order and their types.
func TestJSONGolden(t *testing.T) {
	o := opts()
	o.JSON = true
	send, out := serve(t, o)
	send(discover(t, 1, true))
	send(discover(t, 2, false))
	got := regexp.MustCompile(`"xid":"0x[0-9a-f]{8}"`).ReplaceAllString(out.String(), `"xid":"0x00000000"`)
	clitest.Golden(t, "testdata/decision.golden", []byte(got))
}
