package lxddns

import (
	"fmt"
	"net"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/lxdprofile"
	"github.com/v6kit/v6kit/slaac"
)

// TestRunInterop runs lxd-dns against Debian's LXD 5.0.2 and Incus 6.0.4.
func TestRunInterop(t *testing.T) {
	for _, kind := range []lxdprofile.Daemon{lxdprofile.LXD, lxdprofile.Incus} {
		t.Run(kind.String(), func(t *testing.T) { runInterop(t, kind) })
	}
}

func runInterop(t *testing.T, kind lxdprofile.Daemon) {
	l := labtest.New(t)
	x := labtest.StartContainerDaemon(t, l, kind.String())
	socket, dir, dirEnv := x.Socket(), x.Dir, x.DirEnv()
	cli := func(stdin string, args ...string) string { return labtest.RunLXD(t, x, stdin, x.Client, args...) }
	cli("", "profile", "create", "twointfrev")
	cli("devices:\n  eth0:\n    name: eth0\n    nictype: bridged\n    parent: br0\n    type: nic\n  eth1:\n    name: eth1\n    nictype: bridged\n    parent: lxdbr0\n    type: nic\n",
		"profile", "edit", "twointfrev")
	cli("", "init", "--empty", "web", "-p", "default")
	cli("", "config", "device", "add", "web", "eth0", "nic", "nictype=macvlan", "parent=eth0")
	cli("", "init", "--empty", "router", "-p", "default", "-p", "twointfrev")

	// The expected lines, from the daemon's own record of the MACs.
	var want strings.Builder
	for _, in := range []struct{ name, nics string }{{"router", "eth0 eth1"}, {"web", "eth0"}} {
		for _, nic := range strings.Fields(in.nics) {
			v := strings.TrimSpace(cli("", "config", "get", in.name, "volatile."+nic+".hwaddr"))
			mac, err := net.ParseMAC(v)
			if err != nil {
				t.Fatalf("%s %s hwaddr %q: %v", in.name, nic, v, err)
			}
			iid, err := slaac.EUI64(mac)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(&want, "%s IN AAAA 2001:db8:1:2:%s\n", in.name, iid)
		}
	}
	run := func(args ...string) string {
		t.Helper()
		r := clitest.Run(t, Command, args...)
		if r.Status != 0 {
			t.Fatalf("lxd-dns %s: status %d, stderr %q", strings.Join(args, " "), r.Status, r.Stderr)
		}
		return r.Stdout
	}
	if diff := cmp.Diff(want.String(), run("-prefix", "2001:db8:1:2::/64", "-socket", socket)); diff != "" {
		t.Errorf("zone lines (-want +got):\n%s", diff)
	}
	got := run("-prefix", "2001:db8:1:2::/64", "-prefix", "fd00:db8:1::/64", "-socket", socket, "-json", "-daemon", kind.String())
	if n := strings.Count(got, "\n"); n != 6 {
		t.Errorf("-json printed %d lines, want 6:\n%s", n, got)
	}
	// Without -socket the daemon is found through LXD_DIR or INCUS_DIR, as
	// lxc and incus find theirs.
	for _, k := range []string{"LXD_SOCKET", "LXD_DIR", "INCUS_SOCKET", "INCUS_DIR"} {
		t.Setenv(k, "")
	}
	t.Setenv(dirEnv, dir)
	if diff := cmp.Diff(want.String(), run("-prefix", "2001:db8:1:2::/64")); diff != "" {
		t.Errorf("zone lines through %s (-want +got):\n%s", dirEnv, diff)
	}
}
