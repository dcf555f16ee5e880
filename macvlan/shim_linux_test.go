package macvlan

import (
	"context"
	"errors"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
)

// shimLab is a "host" namespace whose parent eth0 is one end of a veth (the
// other end, in "lan", stands for the wire) and a "container" namespace
// whose macvlan ctr0 was made on the same parent and moved there.
type shimLab struct {
	l               *lab.Lab
	host, ctr, wire *lab.Netns
}

var (
	hostLL   = netip.MustParseAddr("fe80::1")
	ctrLL    = netip.MustParseAddr("fe80::c")
	hostGUA  = netip.MustParsePrefix("2001:db8:1:2::1/64")
	ctrGUA   = netip.MustParsePrefix("2001:db8:1:2::c/64")
	hostULA  = netip.MustParsePrefix("fd00:db8:1::1/64")
	hostIPv4 = netip.MustParsePrefix("192.0.2.1/24")
	ctrIPv4  = netip.MustParsePrefix("192.0.2.3/24")
)

func newShimLab(t *testing.T) *shimLab {
	t.Helper()
	l := labtest.New(t)
	s := &shimLab{l: l}
	var err error
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	s.host, err = l.Namespace("host")
	must(err)
	s.ctr, err = l.Namespace("ctr")
	must(err)
	s.wire, err = l.Namespace("wire")
	must(err)
	must(l.Veth(s.host, "eth0", s.wire, "lan0"))
	must(s.wire.Sysctl("net.ipv6.conf.lan0.disable_ipv6", "1"))
	must(s.wire.Up("lan0"))
	must(s.host.StaticLinkLocal("eth0", hostLL))
	must(s.host.AddAddr("eth0", hostGUA))
	must(s.host.AddAddr("eth0", hostULA))
	must(s.host.AddAddr("eth0", hostIPv4))
	// The container's macvlan: made on the same parent in the host
	// namespace, then moved into the container's.
	must(s.host.IP("link", "add", "ctr0", "link", "eth0", "type", "macvlan", "mode", "bridge"))
	must(s.host.IP("link", "set", "ctr0", "netns", s.ctr.Name))
	must(s.ctr.StaticLinkLocal("ctr0", ctrLL))
	must(s.ctr.AddAddr("ctr0", ctrGUA))
	must(s.ctr.AddAddr("ctr0", ctrIPv4))
	return s
}

// dump is the parent as `ip -j` shows it: link, addresses and routes.
func (s *shimLab) dump(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for name, args := range map[string][]string{
		"link":   {"-j", "link", "show", "dev", "eth0"},
		"addr":   {"-j", "addr", "show", "dev", "eth0"},
		"route6": {"-j", "-6", "route", "show", "table", "all", "dev", "eth0"},
		"route4": {"-j", "-4", "route", "show", "table", "all", "dev", "eth0"},
	} {
		b, err := s.host.Output(context.Background(), "ip", args...)
		if err != nil {
			t.Fatal(err)
		}
		out[name] = string(b)
	}
	return out
}

// inHost runs fn in the host namespace.
func (s *shimLab) inHost(t *testing.T, fn func() error) {
	t.Helper()
	if err := s.host.Run(fn); err != nil {
		t.Fatal(err)
	}
}

func reach(t *testing.T, ns *lab.Netns, dst netip.Addr, zone string, timeout time.Duration) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, err := ns.Ping(ctx, dst, zone)
	return err
}

func TestShimInterop(t *testing.T) {
	s := newShimLab(t)
	before := s.dump(t)

	// Without a shim the host cannot reach its own macvlan container.
	for _, dst := range []struct {
		addr netip.Addr
		zone string
	}{{ctrLL, "eth0"}, {ctrGUA.Addr(), ""}, {ctrIPv4.Addr(), ""}} {
		if err := reach(t, s.host, dst.addr, dst.zone, 2*time.Second); err == nil {
			t.Fatalf("without the shim, %s%%%s answered", dst.addr, dst.zone)
		}
	}

	cfg := Config{Parent: "eth0", IPv4: true}
	var shim *Shim
	s.inHost(t, func() error {
		var err error
		shim, err = Ensure(context.Background(), cfg)
		return err
	})
	if !shim.Created || !shim.Changed {
		t.Errorf("first Ensure: Created=%v Changed=%v, want both", shim.Created, shim.Changed)
	}
	parent, err := s.host.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	wantMAC, _ := ShimMAC(parent.HardwareAddr)
	if shim.MAC.String() != wantMAC.String() || shim.Name != DefaultName {
		t.Errorf("shim %s MAC %s, want %s MAC %s", shim.Name, shim.MAC, DefaultName, wantMAC)
	}
	wantRoutes := []Route{
		{Dst: netip.MustParsePrefix("192.0.2.0/25"), Src: hostIPv4.Addr(), Metric: 100},
		{Dst: netip.MustParsePrefix("192.0.2.128/25"), Src: hostIPv4.Addr(), Metric: 100},
		{Dst: netip.MustParsePrefix("2001:db8:1:2::/64"), Metric: 100, PrefHigh: true},
		{Dst: netip.MustParsePrefix("fd00:db8:1::/64"), Metric: 100, PrefHigh: true},
	}
	if diff := cmp.Diff(wantRoutes, shim.Routes, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }), cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("routes (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, s.dump(t)); diff != "" {
		t.Errorf("Ensure changed the parent (-before +after):\n%s", diff)
	}
	// The kernel's route shows preference high and metric 100.
	out, err := s.host.Output(context.Background(), "ip", "-6", "route", "show", "dev", DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("routes via the shim:\n%s", out)
	if !strings.Contains(string(out), "2001:db8:1:2::/64 proto static metric 100 pref high") {
		t.Errorf("no high-preference metric-100 route in:\n%s", out)
	}

	// Ensuring again changes nothing.
	s.inHost(t, func() error {
		again, err := Ensure(context.Background(), cfg)
		if err == nil && (again.Created || again.Changed) {
			t.Errorf("second Ensure: Created=%v Changed=%v, want neither", again.Created, again.Changed)
		}
		return err
	})

	// With the shim the host reaches the container: link-local, global, IPv4.
	for _, dst := range []struct {
		addr netip.Addr
		zone string
	}{{ctrLL, DefaultName}, {ctrGUA.Addr(), ""}, {ctrIPv4.Addr(), ""}} {
		if err := reach(t, s.host, dst.addr, dst.zone, 30*time.Second); err != nil {
			t.Errorf("with the shim, %s%%%s: %v", dst.addr, dst.zone, err)
		}
	}

	s.inHost(t, func() error {
		ls, err := List(context.Background(), "eth0")
		if err != nil {
			return err
		}
		want := []Link{{Name: DefaultName, Index: shim.Index, MAC: wantMAC, Mode: ModeBridge, Up: true}}
		if diff := cmp.Diff(want, ls); diff != "" {
			t.Errorf("List (-want +got):\n%s", diff)
		}
		return nil
	})

	s.inHost(t, func() error {
		removed, err := Remove(context.Background(), cfg)
		if err == nil && !removed {
			t.Error("Remove: removed=false, want true")
		}
		return err
	})
	s.inHost(t, func() error {
		removed, err := Remove(context.Background(), cfg)
		if err == nil && removed {
			t.Error("second Remove: removed=true, want false")
		}
		return err
	})
	if diff := cmp.Diff(before, s.dump(t)); diff != "" {
		t.Errorf("Remove left the parent changed (-before +after):\n%s", diff)
	}
	if err := reach(t, s.host, ctrGUA.Addr(), "", 2*time.Second); err == nil {
		t.Error("after Remove the container still answers")
	}
}

func TestShimRefusesForeignLink(t *testing.T) {
	s := newShimLab(t)
	if err := s.host.IP("link", "add", DefaultName, "type", "bridge"); err != nil {
		t.Fatal(err)
	}
	before := s.dump(t)
	s.inHost(t, func() error {
		_, err := Ensure(context.Background(), Config{Parent: "eth0"})
		if !errors.Is(err, ErrNameTaken) {
			t.Errorf("Ensure over a dummy: %v, want ErrNameTaken", err)
		}
		_, err = Remove(context.Background(), Config{Parent: "eth0"})
		if !errors.Is(err, ErrNameTaken) {
			t.Errorf("Remove of a dummy: %v, want ErrNameTaken", err)
		}
		_, err = Ensure(context.Background(), Config{Parent: "nonexistent0", Name: "shim1"})
		if !errors.Is(err, ErrNoParent) {
			t.Errorf("Ensure on a missing parent: %v, want ErrNoParent", err)
		}
		return nil
	})
	if err := s.host.IP("link", "show", DefaultName, "type", "bridge"); err != nil {
		t.Errorf("the dummy is gone: %v", err)
	}
	if diff := cmp.Diff(before, s.dump(t)); diff != "" {
		t.Errorf("parent changed (-before +after):\n%s", diff)
	}
}

func TestShimRenumber(t *testing.T) {
	s := newShimLab(t)
	cfg := Config{Parent: "eth0"}
	s.inHost(t, func() error { _, err := Ensure(context.Background(), cfg); return err })
	if err := s.host.IP("addr", "del", hostULA.String(), "dev", "eth0"); err != nil {
		t.Fatal(err)
	}
	var shim *Shim
	s.inHost(t, func() error {
		var err error
		shim, err = Ensure(context.Background(), cfg)
		return err
	})
	if !shim.Changed {
		t.Error("Ensure after renumbering changed nothing")
	}
	out, err := s.host.Output(context.Background(), "ip", "-6", "route", "show", "dev", DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "fd00:") || !strings.Contains(string(out), "2001:db8:1:2::/64") {
		t.Errorf("routes via the shim after the ULA went:\n%s", out)
	}
	out, err = s.host.Output(context.Background(), "ip", "-6", "addr", "show", "dev", DefaultName)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(out), "fd00:") {
		t.Errorf("shim addresses after the ULA went:\n%s", out)
	}
}

// TestShimMetricConverges: ensuring with another metric leaves one route
// per prefix, with the new metric, as `ip -6 route` shows.
func TestShimMetricConverges(t *testing.T) {
	s := newShimLab(t)
	for _, m := range []uint32{0, 300, 50} {
		s.inHost(t, func() error {
			_, err := Ensure(context.Background(), Config{Parent: "eth0", IPv4: true, Metric: m})
			return err
		})
	}
	for _, fam := range []string{"-6", "-4"} {
		out, err := s.host.Output(context.Background(), "ip", fam, "route", "show", "dev", DefaultName)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			if !strings.HasPrefix(line, "fe80::") {
				got = append(got, strings.TrimSpace(line))
			}
		}
		want := map[string][]string{
			"-6": {"2001:db8:1:2::/64 proto static metric 50 pref high", "fd00:db8:1::/64 proto static metric 50 pref high"},
			"-4": {"192.0.2.0/25 proto static scope link src 192.0.2.1 metric 50", "192.0.2.128/25 proto static scope link src 192.0.2.1 metric 50"},
		}[fam]
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("ip %s route show dev %s after metrics 100, 300, 50 (-want +got):\n%s", fam, DefaultName, diff)
		}
	}
}

// TestShimRefusesLoopback: a parent without a 48-bit MAC is named and
// refused; nothing is created.
func TestShimRefusesLoopback(t *testing.T) {
	s := newShimLab(t)
	var err error
	_ = s.host.Run(func() error { _, err = Ensure(context.Background(), Config{Parent: "lo"}); return nil })
	if !errors.Is(err, ErrNotEthernet) || !strings.Contains(err.Error(), `parent "lo" is not an Ethernet link`) {
		t.Errorf("Ensure on lo = %v, want ErrNotEthernet naming lo", err)
	}
	if _, ierr := s.host.Interface(DefaultName); ierr == nil {
		t.Error("a shim was created on lo")
	}
	t.Log(err)
}
