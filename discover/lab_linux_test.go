package discover

import (
	"context"
	"fmt"
	"net"
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
	"github.com/v6kit/v6kit/ndp"
)

// labNode is one host of the discovery lab.
type labNode struct {
	name   string
	mac    string
	vendor string
	setup  func(t testing.TB, ns *lab.Netns) // before link up
	after  func(t testing.TB, ns *lab.Netns) // after link up
	addrs  int                               // IPv6 addresses once settled, temporary ones included
	ns     *lab.Netns
}

func sysctls(kv ...string) func(testing.TB, *lab.Netns) {
	return func(t testing.TB, ns *lab.Netns) {
		t.Helper()
		for i := 0; i < len(kv); i += 2 {
			if err := ns.Sysctl(kv[i], kv[i+1]); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// discoveryLab is the 9-node link of issue 6: a scanner, a radvd router
// (global and ULA prefixes, RDNSS, DNSSL) and seven hosts with different
// habits, on a bridge without multicast snooping.
type discoveryLab struct {
	l     *lab.Lab
	sw    *lab.Netns
	scan  *lab.Netns
	nodes []*labNode
	port  int
}

const (
	labGUA = "2001:db8:1::"
	labULA = "fd00:1::"
)

func newDiscoveryLab(t testing.TB) *discoveryLab {
	t.Helper()
	sdktest.RequireCommands(t, "radvd", "nft")
	l := labtest.New(t)
	d := &discoveryLab{l: l}
	var err error
	if d.sw, err = l.Namespace("sw"); err != nil {
		t.Fatal(err)
	}
	if err := d.sw.Bridge("br0", false); err != nil {
		t.Fatal(err)
	}
	// The scanner: static link-local, global and ULA addresses, no SLAAC.
	d.scan = d.attach(t, "scan", "02:5c:a0:00:00:01")
	sysctls("net.ipv6.conf.eth0.accept_ra", "0")(t, d.scan)
	if err := d.scan.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::5ca")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{labGUA + "5ca/64", labULA + "5ca/64"} {
		if err := d.scan.AddAddr("eth0", netip.MustParsePrefix(p)); err != nil {
			t.Fatal(err)
		}
	}
	nft := func(t testing.TB, ns *lab.Netns) {
		conf := filepath.Join(l.Dir, "drop-echo.nft")
		rules := "table ip6 t {\n\tchain input {\n\t\ttype filter hook input priority 0;\n\t\ticmpv6 type echo-request drop;\n\t}\n}\n"
		if err := os.WriteFile(conf, []byte(rules), 0o600); err != nil {
			t.Fatal(err)
		}
		if out, err := ns.Output(context.Background(), "nft", "-f", conf); err != nil {
			t.Fatalf("nft: %v\n%s", err, out)
		}
	}
	d.nodes = []*labNode{
		{name: "router", mac: "00:16:3e:00:00:01", vendor: "Xensource, Inc.", addrs: 3,
			setup: sysctls("net.ipv6.conf.all.forwarding", "1"),
			after: func(t testing.TB, ns *lab.Netns) {
				for _, p := range []string{labGUA + "1/64", labULA + "1/64"} {
					if err := ns.AddAddr("eth0", netip.MustParsePrefix(p)); err != nil {
						t.Fatal(err)
					}
				}
				d.radvd(t, ns)
			}},
		{name: "slaac1", mac: "b8:27:eb:00:00:02", vendor: "Raspberry Pi Foundation", addrs: 3},
		{name: "slaac2", mac: "00:16:3e:00:00:03", vendor: "Xensource, Inc.", addrs: 3},
		{name: "static", mac: "00:50:c2:00:00:04", vendor: "T.L.S. Corp.", addrs: 2,
			setup: sysctls("net.ipv6.conf.eth0.accept_ra", "0", "net.ipv6.conf.eth0.autoconf", "0"),
			after: func(t testing.TB, ns *lab.Netns) {
				if err := ns.AddAddr("eth0", netip.MustParsePrefix(labGUA+"99/64")); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "noecho", mac: "70:b3:d5:f2:f0:05", vendor: "TELEPLATFORMS", addrs: 3, setup: nft},
		{name: "stable", mac: "20:85:93:b0:00:06", vendor: "IOG Products LLC", addrs: 3,
			setup: sysctls("net.ipv6.conf.eth0.stable_secret", "2001:db8:5ec:8e7::1", "net.ipv6.conf.eth0.addr_gen_mode", "2")},
		{name: "temp", mac: "b8:27:eb:00:00:07", vendor: "Raspberry Pi Foundation", addrs: 5,
			setup: sysctls("net.ipv6.conf.eth0.use_tempaddr", "2")},
		{name: "windows", mac: "da:a1:19:00:00:08", vendor: LocallyAdministered, addrs: 3,
			setup: sysctls("net.ipv6.conf.eth0.addr_gen_mode", "3", "net.ipv6.icmp.echo_ignore_multicast", "1")},
	}
	for _, n := range d.nodes {
		d.add(t, n)
	}
	d.settle(t, d.nodes...)
	return d
}

func (d *discoveryLab) attach(t testing.TB, name, mac string) *lab.Netns {
	t.Helper()
	ns, err := d.l.Namespace(name)
	if err != nil {
		t.Fatal(err)
	}
	d.port++
	if err := d.l.Attach(ns, "eth0", d.sw, "br0", fmt.Sprintf("p%d", d.port)); err != nil {
		t.Fatal(err)
	}
	hw, _ := net.ParseMAC(mac)
	if err := ns.SetMAC("eth0", hw); err != nil {
		t.Fatal(err)
	}
	return ns
}

// add creates n's namespace, applies its setup and brings its link up.
func (d *discoveryLab) add(t testing.TB, n *labNode) {
	t.Helper()
	n.ns = d.attach(t, n.name, n.mac)
	if n.setup != nil {
		n.setup(t, n.ns)
	}
	if err := n.ns.Up("eth0"); err != nil {
		t.Fatal(err)
	}
	if n.after != nil {
		n.after(t, n.ns)
	}
}

func (d *discoveryLab) radvd(t testing.TB, ns *lab.Netns) {
	t.Helper()
	conf := filepath.Join(d.l.Dir, "radvd.conf")
	body := `interface eth0 {
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 10;
	prefix ` + labGUA + `/64 { AdvOnLink on; AdvAutonomous on; };
	prefix ` + labULA + `/64 { AdvOnLink on; AdvAutonomous on; };
	RDNSS ` + labGUA + `53 { };
	DNSSL lab.example { };
};
`
	if err := os.WriteFile(conf, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	pid := filepath.Join(d.l.Dir, "radvd.pid")
	// radvd needs its link-local address out of DAD first.
	err := lab.WaitFor(ctxFor(t, 30*time.Second), 20*time.Millisecond, func() (bool, error) {
		as, err := ns.Addrs("eth0", "inet6")
		for _, a := range as {
			if a.Scope == "link" && !a.Has("tentative") {
				return true, err
			}
		}
		return false, err
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ns.Start(lab.DaemonSpec{
		Name: "radvd",
		Args: []string{"radvd", "-n", "-C", conf, "-p", pid, "-m", "stderr", "-d", "1"},
		Ready: func(*lab.Daemon) (bool, error) {
			_, err := os.Stat(pid)
			return err == nil, nil
		},
	}); err != nil {
		t.Fatal(err)
	}
}

// settle waits until every node has all its addresses, none tentative.
func (d *discoveryLab) settle(t testing.TB, nodes ...*labNode) {
	t.Helper()
	for _, n := range nodes {
		var last []lab.Addr
		err := lab.WaitFor(ctxFor(t, 60*time.Second), 20*time.Millisecond, func() (bool, error) {
			as, err := n.ns.Addrs("eth0", "inet6")
			last = as
			if err != nil || len(as) != n.addrs {
				return false, err
			}
			for _, a := range as {
				if a.Has("tentative") || a.Has("dadfailed") {
					return false, nil
				}
			}
			return true, nil
		})
		if err != nil {
			t.Fatalf("%s never settled with %d addresses: %v (last %+v)", n.name, n.addrs, err, last)
		}
	}
}

// stable lists n's addresses but the temporary ones.
func (n *labNode) stable(t testing.TB) []netip.Addr {
	t.Helper()
	as, err := n.ns.Addrs("eth0", "inet6")
	if err != nil {
		t.Fatal(err)
	}
	var out []netip.Addr
	for _, a := range as {
		if !a.Has("temporary") {
			out = append(out, a.Prefix.Addr())
		}
	}
	return out
}

func ctxFor(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func (d *discoveryLab) scanner(t testing.TB, o *Options) *Scanner {
	t.Helper()
	ifi, err := d.scan.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var s *Scanner
	if err := d.scan.Run(func() (err error) { s, err = NewScanner(ifi, o); return err }); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestScanLab(t *testing.T) {
	d := newDiscoveryLab(t)
	s := d.scanner(t, &Options{Timeout: 2 * time.Second})
	ifi, err := d.scan.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	if s.env.wireless {
		t.Error("a veth on a bridge of veths counts as wireless")
	}
	start := time.Now()
	hosts, err := s.ScanAll(ctxFor(t, 30*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("scan took %v, found %d hosts", time.Since(start), len(hosts))
	byMAC := map[string]Host{}
	for _, h := range hosts {
		byMAC[h.MAC.String()] = h
		t.Logf("%s %-24q router=%v %v", h.MAC, h.Vendor, h.Router, h.Methods)
		for _, a := range h.Addrs {
			t.Logf("    %-40s %v %v", a.Addr, a.Methods, a.RTT)
			if strings.HasSuffix(a.Addr.String(), "5ca") {
				t.Errorf("the scanner's own address %v is listed", a.Addr)
			}
		}
	}
	for _, n := range d.nodes {
		h, ok := byMAC[n.mac]
		if !ok {
			t.Errorf("%s (%s) not found", n.name, n.mac)
			continue
		}
		if h.Vendor != n.vendor {
			t.Errorf("%s: vendor %q, want %q", n.name, h.Vendor, n.vendor)
		}
		if h.Router != (n.name == "router") {
			t.Errorf("%s: router flag %v", n.name, h.Router)
		}
		for _, want := range n.stable(t) {
			if want.IsLinkLocalUnicast() {
				// Link-locals come zoned with the interface's index.
				want = want.WithZone(strconv.Itoa(ifi.Index))
			}
			if !slices.ContainsFunc(h.Addrs, func(a Addr) bool { return a.Addr == want }) {
				t.Errorf("%s: stable address %v not found (got %v)", n.name, want, h.Addrs)
			}
		}
	}
	if len(byMAC) != len(d.nodes) {
		t.Errorf("found %d hosts, want %d", len(byMAC), len(d.nodes))
	}
}

func TestWatchLab(t *testing.T) {
	d := newDiscoveryLab(t)
	s := d.scanner(t, &Options{Timeout: time.Second})
	ifi, err := d.scan.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var w *ndp.Watcher
	if err := d.scan.Run(func() (err error) { w, err = ndp.NewWatcher(ifi); return err }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()

	// The passive watcher runs alongside Watch.
	dads := make(chan ndp.Sighting, 256)
	wdone := make(chan struct{})
	go func() {
		defer close(wdone)
		for s, err := range w.Sightings(ctx) {
			if err != nil {
				return
			}
			select {
			case dads <- s:
			default:
			}
		}
	}()
	defer func() { cancel(); <-wdone; w.Close() }()

	joiner := &labNode{name: "joiner", mac: "b8:27:eb:00:00:09", vendor: "Raspberry Pi Foundation", addrs: 3}
	leaver := d.nodes[2]
	joined := map[string]bool{}
	phase := 0
	for c, err := range s.Watch(ctx, &WatchOptions{Interval: 100 * time.Millisecond, Misses: 3}) {
		if err != nil {
			t.Fatal(err)
		}
		mac := c.Host.MAC.String()
		t.Logf("%v %s %s", c.Kind, mac, c.Host.Vendor)
		switch {
		case c.Kind == Joined:
			joined[mac] = true
		case c.Kind == Left && phase == 2 && mac == leaver.mac:
			phase = 3
		case c.Kind == Left:
			t.Fatalf("unexpected departure of %s", mac)
		}
		if phase == 0 && len(joined) == len(d.nodes) {
			phase = 1
			d.add(t, joiner)
		}
		if phase == 1 && joined[joiner.mac] {
			phase = 2
			if err := leaver.ns.IP("link", "set", "eth0", "down"); err != nil {
				t.Fatal(err)
			}
		}
		if phase == 3 {
			break
		}
	}
	if phase != 3 {
		t.Fatalf("watch ended in phase %d (joined %v)", phase, joined)
	}
	// The passive watcher saw the joiner's duplicate address detection.
	deadline := time.After(10 * time.Second)
	for {
		select {
		case s := <-dads:
			if s.Kind == ndp.SawDAD && s.MAC.String() == joiner.mac {
				return
			}
		case <-deadline:
			t.Fatal("the passive watcher never saw the joiner's DAD probe")
		}
	}
}
