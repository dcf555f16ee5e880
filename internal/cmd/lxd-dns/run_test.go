package lxddns

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/canonical/lxd/shared/api"
	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
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
	clitest.Golden(t, "testdata/json.golden", out.Bytes())
	clitest.Mentioned(t, clitest.Help(t, Command), clitest.Keys(t, out.Bytes())...)
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

func TestBadInputs(t *testing.T) {
	root := t.TempDir()
	dead := sdktest.DeadSocket(t, root)
	nd := labtest.ServeNotDaemons(t)
	html, empty, closes := nd.HTML, nd.Empty, nd.Closes
	for _, k := range []string{"LXD_SOCKET", "INCUS_SOCKET", "INCUS_DIR"} {
		t.Setenv(k, "")
	}
	t.Setenv("LXD_DIR", root)
	const p = "2001:db8:1:2::/64"
	clitest.BadInputs(t, Command, []clitest.BadInput{
		// required
		{Status: 2, Line: "lxd-dns: -prefix is required; give the LAN's /64, such as -prefix 2001:db8:1:2::/64"},
		{Args: []string{"-json"}, Status: 2, Line: "lxd-dns: -prefix is required; give the LAN's /64, such as -prefix 2001:db8:1:2::/64"},
		{Args: []string{"-prefix"}, Status: 2, Line: "lxd-dns: -prefix: needs a value"},
		// not a /64 of the LAN
		{Args: []string{"-prefix", ""}, Status: 2, Line: `lxd-dns: -prefix "" is not a prefix; give an IPv6 /64 such as 2001:db8:1:2::/64`},
		{Args: []string{"-prefix", "2001:db8::1"}, Status: 2, Line: `lxd-dns: -prefix "2001:db8::1" is not a prefix; give an IPv6 /64 such as 2001:db8:1:2::/64`},
		{Args: []string{"-prefix", "2001:db8:1:2::/129"}, Status: 2, Line: `lxd-dns: -prefix "2001:db8:1:2::/129" is not a prefix; give an IPv6 /64 such as 2001:db8:1:2::/64`},
		{Args: []string{"-prefix", "192.0.2.0/24"}, Status: 2, Line: "lxd-dns: -prefix 192.0.2.0/24 is not IPv6; give the LAN's IPv6 /64"},
		{Args: []string{"-prefix", "::ffff:192.0.2.0/120"}, Status: 2, Line: "lxd-dns: -prefix ::ffff:192.0.2.0/120 is not IPv6; give the LAN's IPv6 /64"},
		{Args: []string{"-prefix", "2001:db8::/48"}, Status: 2, Line: "lxd-dns: -prefix 2001:db8::/48 is a /48; SLAAC addresses are formed in a /64, give one"},
		{Args: []string{"-prefix", "2001:db8:1:2::/80"}, Status: 2, Line: "lxd-dns: -prefix 2001:db8:1:2::/80 is a /80; SLAAC addresses are formed in a /64, give one"},
		{Args: []string{"-prefix", "2001:db8:1:2::1/64"}, Status: 2, Line: "lxd-dns: -prefix 2001:db8:1:2::1/64 has host bits set; give the prefix, 2001:db8:1:2::/64"},
		{Args: []string{"-prefix", "fe80::/64"}, Status: 2, Line: "lxd-dns: -prefix fe80::/64 is not a global or ULA prefix; give the LAN's /64"},
		{Args: []string{"-prefix", "ff02::/64"}, Status: 2, Line: "lxd-dns: -prefix ff02::/64 is not a global or ULA prefix; give the LAN's /64"},
		// duplicates
		{Args: []string{"-prefix", p, "-prefix", "fd00:db8:1::/64", "-prefix", p}, Status: 2, Line: "lxd-dns: -prefix 2001:db8:1:2::/64 is given twice; give each prefix once"},
		{Args: []string{"-prefix", p, "-prefix", "2001:DB8:1:2:0::/64"}, Status: 2, Line: "lxd-dns: -prefix 2001:DB8:1:2:0::/64 is given twice; give each prefix once"},
		// syntax
		{Args: []string{"-prefix", p, "web"}, Status: 2, Line: `lxd-dns: unexpected argument "web"; every option is a flag (see lxd-dns -h)`},
		{Args: []string{"-prefix", p, "-zone", "lan"}, Status: 2, Line: "lxd-dns: -zone: no such flag; see -h for the flags"},
		// no daemon
		{Args: []string{"-prefix", p}, Status: 1, Line: "lxd-dns: no LXD or Incus daemon answers on " + root + "/unix.socket: no such socket; fix or unset LXD_DIR=" + root + ", or give the socket with -socket PATH"},
		{Args: []string{"-prefix", p, "-socket", dead}, Status: 1, Line: "lxd-dns: no LXD or Incus daemon answers on " + dead + ": connection refused (the daemon is not running); check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		{Args: []string{"-prefix", p, "-socket", root}, Status: 1, Line: "lxd-dns: no LXD or Incus daemon answers on " + root + ": not a socket; check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		{Args: []string{"-prefix", p, "-daemon", "incus", "-socket", root}, Status: 1, Line: "lxd-dns: no Incus daemon answers on " + root + ": not a socket; check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		// something else answers, or the connection closes: said in words,
		// without Go's HTTP text (it was "(lxdprofile: GET /1.0: answer is
		// not the daemon's JSON (HTTP 200): invalid character '<' …)")
		{Args: []string{"-prefix", p, "-socket", html}, Status: 1, Line: "lxd-dns: no LXD or Incus daemon answers on " + html + ": answers, but not as LXD or Incus (HTTP 200, not JSON); check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		{Args: []string{"-prefix", p, "-socket", empty, "-daemon", "incus"}, Status: 1, Line: "lxd-dns: no Incus daemon answers on " + empty + ": answers, but not as Incus (HTTP 200, empty answer); check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		{Args: []string{"-prefix", p, "-socket", closes}, Status: 1, Line: "lxd-dns: no LXD or Incus daemon answers on " + closes + ": connection closed; check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		{Args: []string{"-prefix", p, "-daemon", "docker"}, Status: 2, Line: `lxd-dns: -daemon "docker" is not a daemon; give lxd or incus, or leave it out to take whichever answers`},
	})
}
