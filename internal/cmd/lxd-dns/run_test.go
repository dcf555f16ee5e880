package lxddns

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/canonical/lxd/shared/api"
	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/cli"
)

type fakeLister []api.Instance

func (f fakeLister) GetInstances(api.InstanceType) ([]api.Instance, error) { return f, nil }

func TestWrite(t *testing.T) {
	insts := fakeLister{
		{Name: "web", ExpandedConfig: map[string]string{"volatile.eth0.hwaddr": "00:16:3e:65:2b:99"},
			ExpandedDevices: map[string]map[string]string{"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth0"}, "root": {"type": "disk", "path": "/", "pool": "default"}}},
		{Name: "router", ExpandedConfig: map[string]string{"volatile.eth0.hwaddr": "00:16:3e:00:00:01"},
			ExpandedDevices: map[string]map[string]string{
				"eth0": {"type": "nic", "nictype": "bridged", "parent": "br0"},
				"eth1": {"type": "nic", "nictype": "bridged", "parent": "lxdbr0", "hwaddr": "b8:27:eb:12:34:56"},
			}},
		{Name: "empty"},
	}
	prefixes := []netip.Prefix{netip.MustParsePrefix("2001:db8:1:2::/64"), netip.MustParsePrefix("fd00:db8:1::/64")}
	var out bytes.Buffer
	if err := write(context.Background(), insts, prefixes, false, &out); err != nil {
		t.Fatal(err)
	}
	want := `router IN AAAA 2001:db8:1:2:216:3eff:fe00:1
router IN AAAA fd00:db8:1:0:216:3eff:fe00:1
router IN AAAA 2001:db8:1:2:ba27:ebff:fe12:3456
router IN AAAA fd00:db8:1:0:ba27:ebff:fe12:3456
web IN AAAA 2001:db8:1:2:216:3eff:fe65:2b99
web IN AAAA fd00:db8:1:0:216:3eff:fe65:2b99
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("zone lines (-want +got):\n%s", diff)
	}
	out.Reset()
	if err := write(context.Background(), insts, prefixes, true, &out); err != nil {
		t.Fatal(err)
	}
	golden(t, "testdata/json.golden", out.Bytes())
	// Write errors end the loop, so a closed stdout ends the program.
	for _, asJSON := range []bool{false, true} {
		if err := write(context.Background(), insts, prefixes, asJSON, failWriter{}); err == nil {
			t.Errorf("write json=%v to a failing writer = nil", asJSON)
		}
	}
	// No instances is a normal outcome: nothing printed, no error.
	out.Reset()
	if err := write(context.Background(), fakeLister{}, prefixes, true, &out); err != nil || out.Len() != 0 {
		t.Errorf("no instances: %v, printed %q", err, out.String())
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("-json output differs from %s (run with -update if intended, and announce it):\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

func TestBadInputs(t *testing.T) {
	root := t.TempDir()
	dead := filepath.Join(root, "dead.socket")
	l, err := net.Listen("unix", dead)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	t.Setenv("LXD_SOCKET", "")
	t.Setenv("LXD_DIR", root)
	const p = "2001:db8:1:2::/64"
	tests := []struct {
		args   []string
		status int
		line   string
	}{
		// required
		{nil, 2, "lxd-dns: -prefix is required; give the LAN's /64, such as -prefix 2001:db8:1:2::/64"},
		{[]string{"-json"}, 2, "lxd-dns: -prefix is required; give the LAN's /64, such as -prefix 2001:db8:1:2::/64"},
		{[]string{"-prefix"}, 2, "lxd-dns: -prefix: needs a value"},
		// not a /64 of the LAN
		{[]string{"-prefix", ""}, 2, `lxd-dns: -prefix "" is not a prefix; give an IPv6 /64 such as 2001:db8:1:2::/64`},
		{[]string{"-prefix", "2001:db8::1"}, 2, `lxd-dns: -prefix "2001:db8::1" is not a prefix; give an IPv6 /64 such as 2001:db8:1:2::/64`},
		{[]string{"-prefix", "2001:db8:1:2::/129"}, 2, `lxd-dns: -prefix "2001:db8:1:2::/129" is not a prefix; give an IPv6 /64 such as 2001:db8:1:2::/64`},
		{[]string{"-prefix", "192.0.2.0/24"}, 2, "lxd-dns: -prefix 192.0.2.0/24 is not IPv6; give the LAN's IPv6 /64"},
		{[]string{"-prefix", "::ffff:192.0.2.0/120"}, 2, "lxd-dns: -prefix ::ffff:192.0.2.0/120 is not IPv6; give the LAN's IPv6 /64"},
		{[]string{"-prefix", "2001:db8::/48"}, 2, "lxd-dns: -prefix 2001:db8::/48 is a /48; SLAAC addresses are formed in a /64, give one"},
		{[]string{"-prefix", "2001:db8:1:2::/80"}, 2, "lxd-dns: -prefix 2001:db8:1:2::/80 is a /80; SLAAC addresses are formed in a /64, give one"},
		{[]string{"-prefix", "2001:db8:1:2::1/64"}, 2, "lxd-dns: -prefix 2001:db8:1:2::1/64 has host bits set; give the prefix, 2001:db8:1:2::/64"},
		{[]string{"-prefix", "fe80::/64"}, 2, "lxd-dns: -prefix fe80::/64 is not a global or ULA prefix; give the LAN's /64"},
		{[]string{"-prefix", "ff02::/64"}, 2, "lxd-dns: -prefix ff02::/64 is not a global or ULA prefix; give the LAN's /64"},
		// duplicates
		{[]string{"-prefix", p, "-prefix", "fd00:db8:1::/64", "-prefix", p}, 2, "lxd-dns: -prefix 2001:db8:1:2::/64 is given twice; give each prefix once"},
		{[]string{"-prefix", p, "-prefix", "2001:DB8:1:2:0::/64"}, 2, "lxd-dns: -prefix 2001:DB8:1:2:0::/64 is given twice; give each prefix once"},
		// syntax
		{[]string{"-prefix", p, "web"}, 2, `lxd-dns: unexpected argument "web"; every option is a flag (see lxd-dns -h)`},
		{[]string{"-prefix", p, "-zone", "lan"}, 2, "lxd-dns: -zone: no such flag; see -h for the flags"},
		// no daemon
		{[]string{"-prefix", p}, 1, "lxd-dns: no LXD daemon answers on " + root + "/unix.socket (no such file); give the socket with -socket PATH or set LXD_DIR"},
		{[]string{"-prefix", p, "-socket", dead}, 1, "lxd-dns: no LXD daemon answers on " + dead + " (connection refused: the daemon is not running); check -socket (a snap's is /var/snap/lxd/common/lxd/unix.socket)"},
		{[]string{"-prefix", p, "-socket", root}, 1, "lxd-dns: no LXD daemon answers on " + root + " (not a socket); check -socket (a snap's is /var/snap/lxd/common/lxd/unix.socket)"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			var out, errb bytes.Buffer
			status := cli.Main(context.Background(), Command, tt.args, &out, &errb)
			line, rest, _ := strings.Cut(errb.String(), "\n")
			if status != tt.status || line != tt.line {
				t.Errorf("status %d, stderr line\n  %s\nwant %d,\n  %s", status, line, tt.status, tt.line)
			}
			if tt.status == 2 && rest != Command.Synopsis()+"\n" {
				t.Errorf("after the line: %q, want the synopsis", rest)
			}
			if tt.status == 1 && rest != "" {
				t.Errorf("more than one line: %q", errb.String())
			}
			if out.Len() > 0 {
				t.Errorf("stdout %q", out.String())
			}
		})
	}
}
