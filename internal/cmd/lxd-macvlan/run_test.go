package lxdmacvlan

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"testing"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
	"github.com/v6kit/v6kit/lxdprofile"
)

// fakeLinks stands in for the host's interfaces, so the table runs
// unprivileged and never looks at the machine's own links.
func fakeLinks(t *testing.T) {
	old := iface
	iface = func(name string) (*net.Interface, error) {
		switch name {
		case "eth0", "wlan0":
			return &net.Interface{Name: name, Index: 2, HardwareAddr: net.HardwareAddr{0, 0x16, 0x3e, 0x65, 0x2b, 0x99}}, nil
		case "lo":
			return &net.Interface{Name: name, Index: 1}, nil
		}
		return nil, fmt.Errorf("interface %q not found; list them with 'ip link'", name)
	}
	t.Cleanup(func() { iface = old })
}

func TestBadInputs(t *testing.T) {
	fakeLinks(t)
	root := t.TempDir()
	if err := os.MkdirAll(filepath.Join(root, "class", "net", "wlan0", "wireless"), 0o755); err != nil {
		t.Fatal(err)
	}
	sysRoot = root
	t.Cleanup(func() { sysRoot = "" })
	// A socket file nobody listens on: connection refused.
	dead := sdktest.DeadSocket(t, root)
	for _, k := range []string{"LXD_SOCKET", "INCUS_SOCKET", "INCUS_DIR"} {
		t.Setenv(k, "")
	}
	t.Setenv("LXD_DIR", root)

	clitest.BadInputs(t, Command, []clitest.BadInput{
		// required
		{Status: 2, Line: "lxd-macvlan: -parent is required; give the host's LAN interface, such as -parent eth0"},
		{Args: []string{"-shim", "-json"}, Status: 2, Line: "lxd-macvlan: -parent is required; give the host's LAN interface, such as -parent eth0"},
		{Args: []string{"-parent", "eth0", "-profile", ""}, Status: 2, Line: "lxd-macvlan: -profile is empty; give a profile name, such as -profile macvlan"},
		{Args: []string{"-parent", "eth0", "-pool", ""}, Status: 2, Line: "lxd-macvlan: -pool is empty; give a storage pool ('incus storage list' or 'lxc storage list' shows them)"},
		{Args: []string{"-parent", "eth0", "-daemon", "lxc"}, Status: 2, Line: `lxd-macvlan: -daemon "lxc" is not a daemon; give lxd or incus, or leave it out to take whichever answers`},
		// names
		{Args: []string{"-parent", "eth 0"}, Status: 2, Line: `lxd-macvlan: -parent: interface name "eth 0" has '/', ':' or white space; Linux refuses those`},
		{Args: []string{"-parent", "enp3s0f0-uplink-lan"}, Status: 2, Line: `lxd-macvlan: -parent: interface name "enp3s0f0-uplink-lan" is 19 bytes; Linux takes at most 15`},
		{Args: []string{"-parent", "eth0", "-profile", "my profile"}, Status: 2, Line: `lxd-macvlan: -profile "my profile" is not a profile name; use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{Args: []string{"-parent", "eth0", "-profile", "a/b"}, Status: 2, Line: `lxd-macvlan: -profile "a/b" is not a profile name; use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{Args: []string{"-parent", "eth0", "-profile", "-lan"}, Status: 2, Line: `lxd-macvlan: -profile "-lan" is not a profile name; use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		// conflicts
		{Args: []string{"-parent", "eth0", "-shim-ipv4"}, Status: 2, Line: "lxd-macvlan: -shim-ipv4 needs -shim; add -shim or drop -shim-ipv4"},
		// syntax
		{Args: []string{"-parent", "eth0", "macvlan"}, Status: 2, Line: `lxd-macvlan: unexpected argument "macvlan"; every option is a flag (see lxd-macvlan -h)`},
		{Args: []string{"-parent", "eth0", "-remote", "x"}, Status: 2, Line: "lxd-macvlan: -remote: no such flag; see -h for the flags"},
		{Args: []string{"-parent", "eth0", "-socket"}, Status: 2, Line: "lxd-macvlan: -socket: needs a value"},
		// unknown or unfit parent, before the daemon is contacted
		{Args: []string{"-parent", "eth7"}, Status: 2, Line: `lxd-macvlan: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "eth7", "-shim", "-socket", dead}, Status: 2, Line: `lxd-macvlan: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "lo"}, Status: 1, Line: `lxd-macvlan: interface "lo" is not an Ethernet link; give -parent the host's LAN interface, such as eth0`},
		{Args: []string{"-parent", "wlan0", "-shim"}, Status: 1, Line: `lxd-macvlan: parent "wlan0" is a wireless interface (sysfs: wireless/); an access point drops frames from extra MACs, so give a wired interface`},
		// no daemon
		{Args: []string{"-parent", "eth0"}, Status: 1, Line: "lxd-macvlan: no LXD or Incus daemon answers on " + root + "/unix.socket: no such socket; fix or unset LXD_DIR=" + root + ", or give the socket with -socket PATH"},
		{Args: []string{"-parent", "eth0", "-daemon", "lxd"}, Status: 1, Line: "lxd-macvlan: no LXD daemon answers on " + root + "/unix.socket: no such socket; fix or unset LXD_DIR=" + root + ", or give the socket with -socket PATH"},
		{Args: []string{"-parent", "eth0", "-socket", dead}, Status: 1, Line: "lxd-macvlan: no LXD or Incus daemon answers on " + dead + ": connection refused (the daemon is not running); check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		{Args: []string{"-parent", "eth0", "-socket", root + "/nope", "-daemon", "incus"}, Status: 1, Line: "lxd-macvlan: no Incus daemon answers on " + root + "/nope: no such socket; check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
	})
	t.Run("not a daemon", func(t *testing.T) {
		nd := labtest.ServeNotDaemons(t)
		html, empty, closes := nd.HTML, nd.Empty, nd.Closes
		clitest.BadInputs(t, Command, []clitest.BadInput{
			{Args: []string{"-parent", "eth0", "-socket", html}, Status: 1, Line: "lxd-macvlan: no LXD or Incus daemon answers on " + html + ": answers, but not as LXD or Incus (HTTP 200, not JSON); check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
			{Args: []string{"-parent", "eth0", "-socket", empty, "-daemon", "lxd"}, Status: 1, Line: "lxd-macvlan: no LXD daemon answers on " + empty + ": answers, but not as LXD (HTTP 200, empty answer); check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
			{Args: []string{"-parent", "eth0", "-socket", closes}, Status: 1, Line: "lxd-macvlan: no LXD or Incus daemon answers on " + closes + ": connection closed; check -socket (Incus's is /var/lib/incus/unix.socket, a snap LXD's /var/snap/lxd/common/lxd/unix.socket)"},
		})
	})
	t.Run("LXD_DIR elsewhere", func(t *testing.T) {
		t.Setenv("LXD_DIR", "/nonexistent/lxd")
		clitest.BadInput{Args: []string{"-parent", "eth0"}, Status: 1, Line: "lxd-macvlan: no LXD or Incus daemon answers on /nonexistent/lxd/unix.socket: no such socket; fix or unset LXD_DIR=/nonexistent/lxd, or give the socket with -socket PATH"}.Check(t, Command)
	})
	t.Run("INCUS_DIR", func(t *testing.T) {
		t.Setenv("INCUS_DIR", "/nonexistent/incus")
		clitest.BadInput{Args: []string{"-parent", "eth0", "-daemon", "incus"}, Status: 1, Line: "lxd-macvlan: no Incus daemon answers on /nonexistent/incus/unix.socket: no such socket; fix or unset INCUS_DIR=/nonexistent/incus, or give the socket with -socket PATH"}.Check(t, Command)
	})
}

// TestJSONGolden pins the -json keys, with and without the shim; -h names
// each.
func TestJSONGolden(t *testing.T) {
	y, err := lxdprofile.Render(lxdprofile.Macvlan("eth0", "default"), lxdprofile.Layout50)
	if err != nil {
		t.Fatal(err)
	}
	yi, err := lxdprofile.Render(lxdprofile.Macvlan("eth0", "default"), lxdprofile.LayoutIncus)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, out := range []outJSON{
		{Profile: "macvlan", Result: "created", Daemon: "lxd", ServerVersion: "5.0.2", YAML: string(y)},
		{Profile: "macvlan", Result: "unchanged", Daemon: "incus", ServerVersion: "6.0.4", YAML: string(yi),
			Shim: &shimJSON{Name: "host-shim", Parent: "eth0", MAC: "02:16:3e:65:2b:99", Created: true, Changed: true, Routes: []string{"2001:db8:1:2::/64"}}},
	} {
		if err := write(&b, out, true); err != nil {
			t.Fatal(err)
		}
		if err := write(failWriter{}, out, true); err == nil {
			t.Error("write -json to a failing writer = nil")
		}
		if err := write(failWriter{}, out, false); err == nil {
			t.Error("write to a failing writer = nil")
		}
	}
	clitest.Golden(t, "testdata/json.golden", b.Bytes())
	clitest.Mentioned(t, clitest.Help(t, Command), clitest.Keys(t, b.Bytes())...)
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }
