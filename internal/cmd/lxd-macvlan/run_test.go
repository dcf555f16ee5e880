package lxdmacvlan

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/lxdprofile"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

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
	dead := filepath.Join(root, "dead.socket")
	l, err := net.Listen("unix", dead)
	if err != nil {
		t.Fatal(err)
	}
	l.(*net.UnixListener).SetUnlinkOnClose(false)
	l.Close()
	t.Setenv("LXD_SOCKET", "")
	t.Setenv("LXD_DIR", root)

	tests := []struct {
		args   []string
		env    string // LXD_DIR, when not root
		status int
		line   string
	}{
		// required
		{args: nil, status: 2, line: "lxd-macvlan: -parent is required; give the host's LAN interface, such as -parent eth0"},
		{args: []string{"-shim", "-json"}, status: 2, line: "lxd-macvlan: -parent is required; give the host's LAN interface, such as -parent eth0"},
		{args: []string{"-parent", "eth0", "-profile", ""}, status: 2, line: "lxd-macvlan: -profile is empty; give a profile name, such as -profile macvlan"},
		{args: []string{"-parent", "eth0", "-pool", ""}, status: 2, line: "lxd-macvlan: -pool is empty; give a storage pool ('lxc storage list' shows them)"},
		// names
		{args: []string{"-parent", "eth 0"}, status: 2, line: `lxd-macvlan: -parent: interface name "eth 0" has '/', ':' or white space; Linux refuses those`},
		{args: []string{"-parent", "enp3s0f0-uplink-lan"}, status: 2, line: `lxd-macvlan: -parent: interface name "enp3s0f0-uplink-lan" is 19 bytes; Linux takes at most 15`},
		{args: []string{"-parent", "eth0", "-profile", "my profile"}, status: 2, line: `lxd-macvlan: -profile "my profile" is not a profile name; use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{args: []string{"-parent", "eth0", "-profile", "a/b"}, status: 2, line: `lxd-macvlan: -profile "a/b" is not a profile name; use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		{args: []string{"-parent", "eth0", "-profile", "-lan"}, status: 2, line: `lxd-macvlan: -profile "-lan" is not a profile name; use letters, digits, '.', '_' and '-', starting with a letter or digit`},
		// conflicts
		{args: []string{"-parent", "eth0", "-shim-ipv4"}, status: 2, line: "lxd-macvlan: -shim-ipv4 needs -shim; add -shim or drop -shim-ipv4"},
		// syntax
		{args: []string{"-parent", "eth0", "macvlan"}, status: 2, line: `lxd-macvlan: unexpected argument "macvlan"; every option is a flag (see lxd-macvlan -h)`},
		{args: []string{"-parent", "eth0", "-remote", "x"}, status: 2, line: "lxd-macvlan: -remote: no such flag; see -h for the flags"},
		{args: []string{"-parent", "eth0", "-socket"}, status: 2, line: "lxd-macvlan: -socket: needs a value"},
		// unknown or unfit parent, before the daemon is contacted
		{args: []string{"-parent", "eth7"}, status: 1, line: `lxd-macvlan: interface "eth7" not found; list them with 'ip link'`},
		{args: []string{"-parent", "lo"}, status: 1, line: `lxd-macvlan: interface "lo" is not an Ethernet link; give -parent the host's LAN interface, such as eth0`},
		{args: []string{"-parent", "wlan0", "-shim"}, status: 1, line: `lxd-macvlan: parent "wlan0" is a wireless interface (sysfs: wireless/); an access point drops frames from extra MACs, so give a wired interface`},
		// no daemon
		{args: []string{"-parent", "eth0"}, status: 1, line: "lxd-macvlan: no LXD daemon answers on " + root + "/unix.socket (no such file); give the socket with -socket PATH or set LXD_DIR"},
		{args: []string{"-parent", "eth0", "-socket", dead}, status: 1, line: "lxd-macvlan: no LXD daemon answers on " + dead + " (connection refused: the daemon is not running); check -socket (a snap's is /var/snap/lxd/common/lxd/unix.socket)"},
		{args: []string{"-parent", "eth0", "-socket", root + "/nope"}, status: 1, line: "lxd-macvlan: no LXD daemon answers on " + root + "/nope (no such file); check -socket (a snap's is /var/snap/lxd/common/lxd/unix.socket)"},
		{args: []string{"-parent", "eth0"}, env: "/nonexistent/lxd", status: 1, line: "lxd-macvlan: no LXD daemon answers on /nonexistent/lxd/unix.socket (no such file); give the socket with -socket PATH or set LXD_DIR"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			if tt.env != "" {
				t.Setenv("LXD_DIR", tt.env)
			}
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

// TestJSONGolden pins the -json keys, with and without the shim.
func TestJSONGolden(t *testing.T) {
	y, err := lxdprofile.Render(lxdprofile.Macvlan("eth0", "default"), lxdprofile.Layout50)
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, out := range []outJSON{
		{Profile: "macvlan", Result: "created", ServerVersion: "5.0.2", YAML: string(y)},
		{Profile: "macvlan", Result: "unchanged", ServerVersion: "5.0.2", YAML: string(y),
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
	path := "testdata/json.golden"
	if *update {
		if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(b.Bytes(), want) {
		t.Errorf("-json output differs from %s (run with -update if intended, and announce it):\ngot:\n%s\nwant:\n%s", path, b.Bytes(), want)
	}
}

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, errors.New("closed") }
