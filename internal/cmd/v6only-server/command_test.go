package v6onlyserver

import (
	"bytes"
	"context"
	"flag"
	"net/netip"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// TestCommandBadInputs feeds v6only-server bad inputs of every class and
// checks the exit status and the one line it prints. Everything is caught
// before a socket opens, so it runs unprivileged; lo (127.0.0.1/8) is the
// interface whose facts are read.
func TestCommandBadInputs(t *testing.T) {
	ok := []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", ""}
	with := func(extra ...string) []string { return append(append([]string{}, ok...), extra...) }
	tests := []struct {
		name   string
		args   []string
		status int
		line   string
	}{
		{"no flags", nil, 2, "v6only-server: -i is required; give the interface to serve on, e.g. -i eth0"},
		{"unknown flag", []string{"-x"}, 2, "v6only-server: -x: no such flag; see -h for the flags"},
		{"stray argument", with("eth0"), 2, `v6only-server: unexpected argument "eth0"; every option is a flag (see v6only-server -h)`},
		{"empty interface name", []string{"-i", "", "-range", "127.0.0.10-127.0.0.20"}, 2, "v6only-server: -i is required; give the interface to serve on, e.g. -i eth0"},
		{"long interface name", []string{"-i", "abcdefghijklmnop", "-range", "127.0.0.10-127.0.0.20"}, 2, `v6only-server: -i: interface name "abcdefghijklmnop" is 16 bytes; Linux takes at most 15`},
		{"interface name with space", []string{"-i", "eth 0", "-range", "127.0.0.10-127.0.0.20"}, 2, `v6only-server: -i: interface name "eth 0" has '/', ':' or white space; Linux refuses those`},
		{"no such interface", []string{"-i", "nosuch0", "-range", "127.0.0.10-127.0.0.20"}, 2, `v6only-server: -i: interface "nosuch0" not found; list them with 'ip link'`},
		{"no range", []string{"-i", "lo"}, 2, "v6only-server: -range is required; give FIRST-LAST, e.g. -range 192.0.2.100-192.0.2.200"},
		{"range one address", []string{"-i", "lo", "-range", "127.0.0.10"}, 2, `v6only-server: -range "127.0.0.10" is not FIRST-LAST; give e.g. 192.0.2.100-192.0.2.200`},
		{"range reversed", []string{"-i", "lo", "-range", "127.0.0.20-127.0.0.10"}, 2, `v6only-server: -range "127.0.0.20-127.0.0.10" ends before it starts; give FIRST ≤ LAST`},
		{"range IPv6", []string{"-i", "lo", "-range", "2001:db8::1-2001:db8::2"}, 2, `v6only-server: -range "2001:db8::1-2001:db8::2" is not two IPv4 addresses; give e.g. 192.0.2.100-192.0.2.200`},
		{"range garbage", []string{"-i", "lo", "-range", "x-y"}, 2, `v6only-server: -range "x-y" is not two IPv4 addresses; give e.g. 192.0.2.100-192.0.2.200`},
		{"range outside the subnet", []string{"-i", "lo", "-range", "192.0.2.10-192.0.2.20"}, 2, "v6only-server: -range 192.0.2.10-192.0.2.20 is outside lo's subnets (127.0.0.0/8); give addresses inside one"},
		{"range across the subnet's end", []string{"-i", "lo", "-range", "127.255.255.250-128.0.0.5"}, 2, "v6only-server: -range 127.255.255.250-128.0.0.5 is outside lo's subnets (127.0.0.0/8); give addresses inside one"},
		{"range with the network address", []string{"-i", "lo", "-range", "127.0.0.0-127.0.0.5", "-server-id", "127.0.0.1", "-mask", "24"}, 2, "v6only-server: -range 127.0.0.0-127.0.0.5 includes the network or broadcast address of 127.0.0.0/24; give host addresses only"},
		{"range with the broadcast address", []string{"-i", "lo", "-range", "127.0.0.200-127.0.0.255", "-mask", "24"}, 2, "v6only-server: -range 127.0.0.200-127.0.0.255 includes the network or broadcast address of 127.0.0.0/24; give host addresses only"},
		{"range with the server's address", []string{"-i", "lo", "-range", "127.0.0.1-127.0.0.5"}, 2, "v6only-server: -range 127.0.0.1-127.0.0.5 includes the server's own address 127.0.0.1; leave it out"},
		{"mask 40", with("-mask", "40"), 2, "v6only-server: -mask 40 is out of range; give a prefix length from 1 to 31"},
		{"mask 32", with("-mask", "32"), 2, "v6only-server: -mask 32 is out of range; give a prefix length from 1 to 31"},
		{"mask negative", with("-mask", "-1"), 2, "v6only-server: -mask -1 is out of range; give a prefix length from 1 to 31"},
		{"mask too narrow for the range", with("-mask", "30"), 2, "v6only-server: -range 127.0.0.10-127.0.0.20 is outside lo's subnets (127.0.0.0/30); give addresses inside one"},
		{"mask not a number", with("-mask", "x"), 2, `v6only-server: -mask "x": not a whole number; see -h`},
		{"router off the subnet", with("-router", "192.0.2.1"), 2, "v6only-server: -router 192.0.2.1 is not a host of the subnet 127.0.0.0/8; give a router on the link"},
		{"router is the broadcast address", with("-router", "127.255.255.255"), 2, "v6only-server: -router 127.255.255.255 is not a host of the subnet 127.0.0.0/8; give a router on the link"},
		{"router inside the range", with("-router", "127.0.0.15"), 2, "v6only-server: -router 127.0.0.15 is inside -range 127.0.0.10-127.0.0.20; leave it out of the pool"},
		{"router IPv6", with("-router", "fe80::1"), 2, `v6only-server: -router "fe80::1" is not an IPv4 address; give one such as 192.0.2.1`},
		{"server-id not ours", with("-server-id", "127.0.0.2"), 2, "v6only-server: -server-id 127.0.0.2 is not an address of lo; give 127.0.0.1 or omit it"},
		{"server-id garbage", with("-server-id", "one"), 2, `v6only-server: -server-id "one" is not an IPv4 address; give one such as 192.0.2.1`},
		{"dns twice", with("-dns", "192.0.2.53,192.0.2.53"), 2, "v6only-server: -dns lists 192.0.2.53 twice; give each server once"},
		{"dns multicast", with("-dns", "224.0.0.251"), 2, "v6only-server: -dns 224.0.0.251 is not a unicast IPv4 address; give a DNS server's address"},
		{"dns unspecified", with("-dns", "0.0.0.0"), 2, "v6only-server: -dns 0.0.0.0 is not a unicast IPv4 address; give a DNS server's address"},
		{"dns empty element", with("-dns", "192.0.2.53,"), 2, `v6only-server: -dns "" is not an IPv4 address; give one such as 192.0.2.1`},
		{"dns too many", with("-dns", manyDNS(64)), 2, "v6only-server: -dns has 64 addresses; option 6 holds at most 63"},
		{"wait negative", with("-v6only-wait", "-1"), 2, "v6only-server: -v6only-wait -1 is out of range; give 0 to 4294967295 seconds (1800 is RFC 8925's default)"},
		{"wait 2^32", with("-v6only-wait", "4294967296"), 2, "v6only-server: -v6only-wait 4294967296 is out of range; give 0 to 4294967295 seconds (1800 is RFC 8925's default)"},
		{"lease zero", with("-lease", "0"), 2, "v6only-server: -lease 0s is not a positive time; give e.g. -lease 1h"},
		{"lease negative", with("-lease", "-1s"), 2, "v6only-server: -lease -1s is not a positive time; give e.g. -lease 1h"},
		{"lease too short", with("-lease", "30s"), 2, "v6only-server: -lease 30s is out of range; give 1m0s to 1193046h28m14s"},
		{"lease too long", with("-lease", "4294967295s"), 2, "v6only-server: -lease 1193046h28m15s is out of range; give 1m0s to 1193046h28m14s"},
		{"lease fraction", with("-lease", "90.5s"), 2, "v6only-server: -lease 1m30.5s is not whole seconds; option 51 carries seconds"},
		{"lease no unit", with("-lease", "3600"), 2, `v6only-server: -lease "3600": not a duration; give one such as 30s, 5m or 1h`},
		{"workers zero", with("-workers", "0"), 2, "v6only-server: -workers 0 is out of range; give 1 to 1024"},
		{"workers too many", with("-workers", "5000"), 2, "v6only-server: -workers 5000 is out of range; give 1 to 1024"},
		{"json and quiet", with("-json", "-quiet"), 2, "v6only-server: -json and -quiet exclude each other; give one"},
		{"lease file in a place that cannot be", []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", "/proc/nosuch/v6only.leases"}, 1, `v6only-server: lease file "/proc/nosuch/v6only.leases": mkdir /proc/nosuch: no such file or directory`},
		{"lease file corrupt", []string{"-i", "lo", "-range", "127.0.0.10-127.0.0.20", "-leases", corruptLeases(t)}, 1, "v6only-server: lease file \"" + corruptLeases(t) + "\" line 2: \"ack 02:00:5e:00:53:01 nonsense 1\" is not \"ack MAC ADDR EXPIRES\" or \"release MAC ADDR\"; fix or remove the file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := cli.Main(context.Background(), Command, tt.args, &out, &errb)
			line, _, _ := strings.Cut(errb.String(), "\n")
			if got != tt.status || line != tt.line {
				t.Errorf("v6only-server %q:\n got %d %q\nwant %d %q", tt.args, got, line, tt.status, tt.line)
			}
			if out.Len() > 0 {
				t.Errorf("stdout %q, want nothing", out.String())
			}
		})
	}
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
		t.Cleanup(func() { os.Remove(corruptPath); corruptPath = "" })
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
	var out bytes.Buffer
	if st := cli.Main(context.Background(), Command, []string{"-h"}, &out, &out); st != 0 {
		t.Fatalf("-h exits %d", st)
	}
	for _, k := range regexp.MustCompile(`json:"([a-z0-9_]+)"`).FindAllStringSubmatch(decisionSource(t), -1) {
		if !regexp.MustCompile(`(?m)^  ` + k[1] + ` `).MatchString(out.String()) {
			t.Errorf("-h does not document the JSON key %q", k[1])
		}
	}
	if !strings.HasPrefix(out.String(), "usage: v6only-server -i IF") || !strings.Contains(out.String(), "example") {
		t.Errorf("-h lacks the synopsis or an example:\n%s", out.String())
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
	golden(t, "testdata/decision.golden", got)
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs (run with -update if intended):\n got %s\nwant %s", path, got, want)
	}
}
