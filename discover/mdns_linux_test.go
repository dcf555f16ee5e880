package discover

import (
	"context"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
	"go.uber.org/goleak"
)

// startAvahi runs avahi-daemon in ns as host "name", IPv6 only on eth0, in
// a private mount namespace (its pid file and socket go to a tmpfs /run),
// without D-Bus, and waits until it has announced its name.
func startAvahi(t *testing.T, l *lab.Lab, ns *lab.Netns, name string) *lab.Daemon {
	t.Helper()
	sdktest.RequireCommands(t, "avahi-daemon", "unshare")
	conf := filepath.Join(l.Dir, "avahi-"+name+".conf")
	body := "[server]\nhost-name=" + name + "\ndomain-name=local\nuse-ipv4=no\nuse-ipv6=yes\nallow-interfaces=eth0\nenable-dbus=no\n" +
		"[publish]\npublish-addresses=yes\npublish-hinfo=no\npublish-workstation=no\n"
	if err := os.WriteFile(conf, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	sh := "mount -t tmpfs v6kit-avahi /run && mkdir -p /run/avahi-daemon && exec avahi-daemon --no-drop-root --no-chroot --no-rlimits -f " + conf
	d, err := ns.Start(lab.DaemonSpec{
		Name: "avahi-" + name,
		Args: []string{"unshare", "-m", "--propagation", "private", "sh", "-c", sh},
		Ready: func(d *lab.Daemon) (bool, error) {
			return strings.Contains(d.Log(), "Server startup complete"), nil
		},
		StartTimeout: 60 * time.Second,
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func TestNamesFromAvahi(t *testing.T) {
	// Registered first, so it runs last: after the lab has stopped avahi.
	t.Cleanup(func() { goleak.VerifyNone(t) })
	l := labtest.New(t)
	sw, err := l.Namespace("sw")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Bridge("br0", false); err != nil {
		t.Fatal(err)
	}
	host := func(name, ll, gua string) *lab.Netns {
		ns, err := l.Namespace(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Attach(ns, "eth0", sw, "br0", "p-"+name); err != nil {
			t.Fatal(err)
		}
		if err := ns.StaticLinkLocal("eth0", netip.MustParseAddr(ll)); err != nil {
			t.Fatal(err)
		}
		if gua != "" {
			if err := ns.AddAddr("eth0", netip.PrefixFrom(netip.MustParseAddr(gua), 64)); err != nil {
				t.Fatal(err)
			}
		}
		return ns
	}
	scan := host("scan", "fe80::5ca", "")
	pi := host("pi", "fe80::31", "2001:db8:1::31")
	host("quiet", "fe80::32", "") // no responder: no name
	startAvahi(t, l, pi, "pi")

	ifi, err := scan.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	// Link-locals zoned as a scan reports them: the answers come back
	// under the addresses as asked.
	zone := strconv.Itoa(ifi.Index)
	addrs := []netip.Addr{netip.MustParseAddr("fe80::31").WithZone(zone), netip.MustParseAddr("2001:db8:1::31"), netip.MustParseAddr("fe80::32").WithZone(zone)}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var names map[netip.Addr]string
	// avahi may answer before its address records settle: ask until the
	// Pi's global address has a name, within the deadline.
	err = lab.WaitFor(ctx, 100*time.Millisecond, func() (bool, error) {
		err := scan.Run(func() error {
			var err error
			names, err = Names(ctx, ifi, addrs, 2*time.Second)
			return err
		})
		return names[addrs[1]] != "", err
	})
	if err != nil {
		t.Fatalf("Names never answered for the Pi's global address: %v (got %v)", err, names)
	}
	if names[addrs[1]] != "pi.local" {
		t.Errorf("name of %v = %q, want pi.local", addrs[1], names[addrs[1]])
	}
	// avahi publishes a link-local address only when the interface has no
	// other; if it answers for it, the name must be right.
	if n, ok := names[addrs[0]]; ok && n != "pi.local" {
		t.Errorf("name of %v = %q, want pi.local", addrs[0], n)
	}
	if n, ok := names[addrs[2]]; ok {
		t.Errorf("a host without a responder got a name: %q", n)
	}
	for a := range names {
		if !slices.Contains(addrs, a) {
			t.Errorf("name for %v, an address not asked about (zone lost?)", a)
		}
	}
}
