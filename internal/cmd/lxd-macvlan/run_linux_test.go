package lxdmacvlan

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/lxdprofile"
)

// peer is a private LXD or Incus with its command-line client.
type peer struct {
	socket, dir, dirEnv, version string
	cli                          func(args ...string) string
}

func startPeer(t *testing.T, l *lab.Lab, kind lxdprofile.Daemon) peer {
	t.Helper()
	x := labtest.StartContainerDaemon(t, l, kind.String())
	return peer{x.Socket(), x.Dir, x.DirEnv(), daemonVersion(t, x.Socket()), func(args ...string) string {
		t.Helper()
		return labtest.RunLXD(t, x, "", x.Client, args...)
	}}
}

// daemonVersion is what the daemon on socket says its version is (the
// header names it; a point release of the peer must not break the test).
func daemonVersion(t *testing.T, socket string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	c, err := lxdprofile.Dial(ctx, lxdprofile.DialOptions{Socket: socket})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	return c.Server().Version
}

// TestRunInterop runs lxd-macvlan against Debian's LXD 5.0.2 and Incus
// 6.0.4.
func TestRunInterop(t *testing.T) {
	for _, kind := range []lxdprofile.Daemon{lxdprofile.LXD, lxdprofile.Incus} {
		t.Run(kind.String(), func(t *testing.T) { runInterop(t, kind) })
	}
}

func runInterop(t *testing.T, kind lxdprofile.Daemon) {
	l := labtest.New(t)
	x := startPeer(t, l, kind)
	host, _ := labtest.Pair(t, l, "host", "wire")
	for _, err := range []error{
		host.AddAddr("eth0", netip.MustParsePrefix("2001:db8:1:2::1/64")),
		host.SetMAC("eth0", []byte{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	// run runs the program in the host namespace against the private
	// daemon and returns its stdout.
	socket := []string{"-socket", x.socket}
	run := func(args ...string) string {
		t.Helper()
		var r clitest.Result
		if err := host.Run(func() error { r = clitest.Run(t, Command, append(socket, args...)...); return nil }); err != nil {
			t.Fatal(err)
		}
		if r.Status != 0 {
			t.Fatalf("lxd-macvlan %s: status %d, stderr %q", strings.Join(args, " "), r.Status, r.Stderr)
		}
		return r.Stdout
	}

	got := run("-parent", "eth0", "-shim")
	show := x.cli("profile", "show", "macvlan")
	want := "# profile macvlan: created on " + kind.Name() + " " + x.version + "; launch with: " + kind.Command() + " launch IMAGE NAME -p macvlan\n" +
		"# host shim host-shim on eth0 (mac 02:16:3e:65:2b:99): created; routes [2001:db8:1:2::/64]\n" + show
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	p, err := lxdprofile.Parse([]byte(show))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Equal(lxdprofile.Macvlan("eth0", "default")) {
		t.Errorf("daemon's profile %+v is not the macvlan preset", p)
	}
	if _, err := host.Interface("host-shim"); err != nil {
		t.Errorf("no shim: %v", err)
	}

	got = run("-parent", "eth0", "-shim", "-json", "-daemon", kind.String())
	var obj outJSON
	if err := json.Unmarshal([]byte(got), &obj); err != nil {
		t.Fatal(err)
	}
	wantObj := outJSON{Profile: "macvlan", Result: "unchanged", Daemon: kind.String(), ServerVersion: x.version, YAML: show,
		Shim: &shimJSON{Name: "host-shim", Parent: "eth0", MAC: "02:16:3e:65:2b:99", Routes: []string{"2001:db8:1:2::/64"}}}
	if diff := cmp.Diff(wantObj, obj); diff != "" {
		t.Errorf("second run -json (-want +got):\n%s", diff)
	}
	if strings.Count(got, "\n") != 1 {
		t.Errorf("-json printed %d lines", strings.Count(got, "\n"))
	}

	// Asking for the other daemon is refused, naming the socket.
	other := lxdprofile.LXD
	if kind == lxdprofile.LXD {
		other = lxdprofile.Incus
	}
	clitest.BadInputsIn(t, host.Run, Command, []clitest.BadInput{{Name: "wrong daemon", Args: append(socket, "-parent", "eth0", "-daemon", other.String()), Status: 1,
		Line: "lxd-macvlan: the daemon on the socket is not the one asked for: " + x.socket + " answers as " + kind.Name() + " " + x.version + ", not " + other.Name() + "; give " + other.Name() + "'s socket with -socket PATH, or drop -daemon"}})

	// Someone edits the profile: refused without -overwrite, replaced with it.
	x.cli("profile", "device", "set", "macvlan", "eth0", "parent", "eth1")
	clitest.BadInputsIn(t, host.Run, Command, []clitest.BadInput{{Name: "edited profile", Args: append(socket, "-parent", "eth0"), Status: 1,
		Line: `lxd-macvlan: profile "macvlan" exists with other content; rerun with -overwrite to replace it`}})
	got = run("-parent", "eth0", "-overwrite", "-profile", "macvlan")
	if !strings.HasPrefix(got, "# profile macvlan: updated") || !strings.Contains(got, "parent: eth0") {
		t.Errorf("-overwrite printed:\n%s", got)
	}

	// A pool the daemon lacks is named with the pools it has; nothing is
	// created.
	clitest.BadInputsIn(t, host.Run, Command, []clitest.BadInput{{Name: "missing pool", Args: append(socket, "-parent", "eth0", "-pool", "nosuchpool", "-profile", "lan"), Status: 1,
		Line: `lxd-macvlan: -pool: storage pool not found: "nosuchpool" (pools: default); give one of them or create it with '` + kind.Command() + ` storage create'`}})
	if list := x.cli("profile", "list", "--format", "csv"); strings.HasPrefix(list, "lan,") || strings.Contains(list, "\nlan,") {
		t.Errorf("-pool nosuchpool created the profile:\n%s", list)
	}

	// Without -socket the daemon is found through LXD_DIR or INCUS_DIR, as
	// lxc and incus find theirs.
	socket = nil
	for _, k := range []string{"LXD_SOCKET", "LXD_DIR", "INCUS_SOCKET", "INCUS_DIR"} {
		t.Setenv(k, "")
	}
	t.Setenv(x.dirEnv, x.dir)
	if got := run("-parent", "eth0"); !strings.HasPrefix(got, "# profile macvlan: unchanged on "+kind.Name()+" "+x.version) {
		t.Errorf("found through %s, printed:\n%s", x.dirEnv, got)
	}
}
