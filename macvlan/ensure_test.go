package macvlan

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

var cmpAddrs = cmp.Options{
	cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
	cmp.Comparer(func(a, b netip.Prefix) bool { return a == b }),
}

func TestShimMAC(t *testing.T) {
	tests := []struct {
		name   string
		parent string
		want   string
		ok     bool
	}{
		{name: "universal", parent: "b8:27:eb:12:34:56", want: "02:27:eb:12:34:56", ok: true},
		{name: "lxd", parent: "00:16:3e:65:2b:99", want: "02:16:3e:65:2b:99", ok: true},
		{name: "already 02", parent: "02:16:3e:65:2b:99", want: "06:16:3e:65:2b:99", ok: true},
		{name: "infiniband", parent: "00:00:00:00:00:00:00:00", ok: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, _ := net.ParseMAC(tt.parent)
			got, err := ShimMAC(p)
			if (err == nil) != tt.ok {
				t.Fatalf("ShimMAC(%s) error %v, ok %v", tt.parent, err, tt.ok)
			}
			if tt.ok && got.String() != tt.want {
				t.Errorf("ShimMAC(%s) = %s, want %s", tt.parent, got, tt.want)
			}
		})
	}
}

func TestCheckWireless(t *testing.T) {
	root := t.TempDir()
	mk := func(ifname string, f func(dir string) error) {
		dir := filepath.Join(root, "class", "net", ifname)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := f(dir); err != nil {
			t.Fatal(err)
		}
	}
	mk("wlan0", func(d string) error { return os.Mkdir(filepath.Join(d, "wireless"), 0o755) })
	mk("wlp2s0", func(d string) error { return os.Symlink("../../ieee80211/phy0", filepath.Join(d, "phy80211")) })
	mk("wl1", func(d string) error {
		return os.WriteFile(filepath.Join(d, "uevent"), []byte("DEVTYPE=wlan\nINTERFACE=wl1\nIFINDEX=3\n"), 0o644)
	})
	mk("eth0", func(d string) error {
		return os.WriteFile(filepath.Join(d, "uevent"), []byte("INTERFACE=eth0\nIFINDEX=2\n"), 0o644)
	})
	mk("br0", func(d string) error {
		return os.WriteFile(filepath.Join(d, "uevent"), []byte("DEVTYPE=bridge\nINTERFACE=br0\n"), 0o644)
	})
	tests := []struct {
		name     string
		ifname   string
		wireless bool
		bad      bool
	}{
		{name: "wireless dir", ifname: "wlan0", wireless: true},
		{name: "phy80211 link", ifname: "wlp2s0", wireless: true},
		{name: "uevent devtype", ifname: "wl1", wireless: true},
		{name: "ethernet", ifname: "eth0"},
		{name: "bridge", ifname: "br0"},
		{name: "absent", ifname: "veth9"},
		{name: "path escape", ifname: "../x", bad: true},
		{name: "empty", ifname: "", bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := CheckWireless(root, tt.ifname)
			if got := errors.Is(err, ErrWireless); got != tt.wireless {
				t.Errorf("CheckWireless(%q) = %v, wireless %v", tt.ifname, err, tt.wireless)
			}
			if tt.bad != (err != nil && !tt.wireless) {
				t.Errorf("CheckWireless(%q) = %v, bad name %v", tt.ifname, err, tt.bad)
			}
		})
	}
	// Ensure refuses a wireless parent before it touches netlink.
	f := newFake()
	f.addLink(linkInfo{Name: "wlan0", Kind: "device", MAC: mustMAC("b8:27:eb:12:34:56")})
	if _, err := ensure(context.Background(), f, Config{Parent: "wlan0", SysRoot: root}); !errors.Is(err, ErrWireless) {
		t.Fatalf("ensure on wlan0: %v, want ErrWireless", err)
	}
	if len(f.calls) != 0 {
		t.Errorf("ensure on wlan0 made netlink calls: %v", f.calls)
	}
}

func mustMAC(s string) net.HardwareAddr {
	m, err := net.ParseMAC(s)
	if err != nil {
		panic(err)
	}
	return m
}

// fake is an in-memory netOps.
type fake struct {
	links_  map[int]*linkInfo
	addrs_  map[int][]netip.Prefix
	routes_ map[int][]Route
	onlink  map[int][]onLink
	next    int
	calls   []string
	// failOn makes the named write fail.
	failOn string
}

var errInjected = errors.New("injected failure")

func newFake() *fake {
	return &fake{links_: map[int]*linkInfo{}, addrs_: map[int][]netip.Prefix{}, routes_: map[int][]Route{}, onlink: map[int][]onLink{}, next: 1}
}

func (f *fake) addLink(l linkInfo) int {
	l.Index = f.next
	f.next++
	f.links_[l.Index] = &l
	return l.Index
}

func (f *fake) write(op string) error {
	f.calls = append(f.calls, op)
	if op == f.failOn {
		return errInjected
	}
	return nil
}

func (f *fake) linkByName(name string) (linkInfo, bool, error) {
	for _, l := range f.links_ {
		if l.Name == name {
			return *l, true, nil
		}
	}
	return linkInfo{}, false, nil
}

func (f *fake) links() ([]linkInfo, error) {
	var out []linkInfo
	for _, l := range f.links_ {
		out = append(out, *l)
	}
	return out, nil
}

func (f *fake) addMacvlan(name string, parent int, mac net.HardwareAddr) (int, error) {
	if err := f.write("addMacvlan"); err != nil {
		return 0, err
	}
	return f.addLink(linkInfo{Name: name, ParentIndex: parent, Kind: "macvlan", Mode: ModeBridge, MAC: mac}), nil
}

func (f *fake) setUp(index int) error {
	if err := f.write("setUp"); err != nil {
		return err
	}
	f.links_[index].Up = true
	return nil
}

func (f *fake) deleteLink(index int) error {
	if err := f.write("deleteLink"); err != nil {
		return err
	}
	delete(f.links_, index)
	delete(f.addrs_, index)
	delete(f.routes_, index)
	return nil
}

func (f *fake) onLinkRoutes(index int) ([]onLink, error) { return f.onlink[index], nil }

func (f *fake) addrs(index int, family int) ([]netip.Prefix, error) {
	return slices.Clone(f.addrs_[index]), nil
}

func (f *fake) addAddr(index int, p netip.Prefix) error {
	if err := f.write("addAddr"); err != nil {
		return err
	}
	f.addrs_[index] = append(f.addrs_[index], p)
	return nil
}

func (f *fake) delAddr(index int, p netip.Prefix) error {
	if err := f.write("delAddr"); err != nil {
		return err
	}
	f.addrs_[index] = slices.DeleteFunc(f.addrs_[index], func(q netip.Prefix) bool { return q == p })
	return nil
}

func (f *fake) routes(index int) ([]Route, error) { return slices.Clone(f.routes_[index]), nil }

func (f *fake) addRoute(index int, r Route) error {
	if err := f.write("addRoute " + r.Dst.String()); err != nil {
		return err
	}
	f.routes_[index] = append(f.routes_[index], r)
	return nil
}

func (f *fake) delRoute(index int, r Route) error {
	if err := f.write("delRoute " + r.Dst.String()); err != nil {
		return err
	}
	f.routes_[index] = slices.DeleteFunc(f.routes_[index], func(q Route) bool { return q == r })
	return nil
}

func (f *fake) close() error { return nil }

// lan is a fake host with eth0 on 2001:db8:1:2::/64, fd00:db8:1::/64 and
// 192.0.2.0/24.
func lan() (*fake, int) {
	f := newFake()
	idx := f.addLink(linkInfo{Name: "eth0", Kind: "device", MAC: mustMAC("00:16:3e:65:2b:99"), Up: true})
	f.onlink[idx] = []onLink{
		{Dst: netip.MustParsePrefix("fe80::/64")},
		{Dst: netip.MustParsePrefix("2001:db8:1:2::/64")},
		{Dst: netip.MustParsePrefix("fd00:db8:1::/64")},
		{Dst: netip.MustParsePrefix("192.0.2.0/24"), Src: netip.MustParseAddr("192.0.2.1")},
	}
	return f, idx
}

func TestEnsure(t *testing.T) {
	f, _ := lan()
	cfg := Config{Parent: "eth0", IPv4: true, SysRoot: t.TempDir()}
	got, err := ensure(context.Background(), f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := &Shim{
		Name: DefaultName, Parent: "eth0", Index: 2, MAC: mustMAC("02:16:3e:65:2b:99"), Mode: ModeBridge,
		Addrs: []netip.Prefix{
			netip.MustParsePrefix("2001:db8:1:2:16:3eff:fe65:2b99/128"),
			netip.MustParsePrefix("fd00:db8:1:0:16:3eff:fe65:2b99/128"),
		},
		Routes: []Route{
			{Dst: netip.MustParsePrefix("192.0.2.0/25"), Src: netip.MustParseAddr("192.0.2.1"), Metric: 100},
			{Dst: netip.MustParsePrefix("192.0.2.128/25"), Src: netip.MustParseAddr("192.0.2.1"), Metric: 100},
			{Dst: netip.MustParsePrefix("2001:db8:1:2::/64"), Metric: 100, PrefHigh: true},
			{Dst: netip.MustParsePrefix("fd00:db8:1::/64"), Metric: 100, PrefHigh: true},
		},
		Created: true, Changed: true,
	}
	if diff := cmp.Diff(want, got, cmpAddrs); diff != "" {
		t.Errorf("ensure (-want +got):\n%s", diff)
	}
	f.calls = nil
	again, err := ensure(context.Background(), f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if again.Created || again.Changed || len(f.calls) != 0 {
		t.Errorf("second ensure: Created=%v Changed=%v calls=%v, want nothing", again.Created, again.Changed, f.calls)
	}
	// A half-made shim (down, no routes) is completed.
	f.links_[2].Up = false
	f.routes_[2] = f.routes_[2][:1]
	f.calls = nil
	fixed, err := ensure(context.Background(), f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if fixed.Created || !fixed.Changed {
		t.Errorf("completing ensure: Created=%v Changed=%v", fixed.Created, fixed.Changed)
	}
	if diff := cmp.Diff([]string{"setUp", "addRoute 192.0.2.128/25", "addRoute 2001:db8:1:2::/64", "addRoute fd00:db8:1::/64"}, f.calls); diff != "" {
		t.Errorf("completing calls (-want +got):\n%s", diff)
	}
	removed, err := remove(f, cfg)
	if err != nil || !removed {
		t.Fatalf("remove = %v, %v", removed, err)
	}
	if _, ok, _ := f.linkByName(DefaultName); ok {
		t.Error("shim still there after remove")
	}
	if _, ok, _ := f.linkByName("eth0"); !ok {
		t.Error("remove deleted the parent")
	}
}

func TestEnsureRollback(t *testing.T) {
	for _, failOn := range []string{"addMacvlan", "setUp", "addAddr", "addRoute 2001:db8:1:2::/64", "addRoute fd00:db8:1::/64"} {
		t.Run(failOn, func(t *testing.T) {
			f, _ := lan()
			f.failOn = failOn
			_, err := ensure(context.Background(), f, Config{Parent: "eth0", SysRoot: t.TempDir()})
			if !errors.Is(err, errInjected) {
				t.Fatalf("ensure = %v, want the injected error", err)
			}
			if _, ok, _ := f.linkByName(DefaultName); ok {
				t.Errorf("a half-made shim was left behind; calls %v", f.calls)
			}
			if len(f.links_) != 1 {
				t.Errorf("links left: %d, want only the parent", len(f.links_))
			}
		})
	}
	// On an existing shim, only what this call added is undone.
	f, _ := lan()
	cfg := Config{Parent: "eth0", SysRoot: t.TempDir()}
	if _, err := ensure(context.Background(), f, cfg); err != nil {
		t.Fatal(err)
	}
	f.routes_[2] = nil
	f.failOn = "addRoute fd00:db8:1::/64"
	f.calls = nil
	if _, err := ensure(context.Background(), f, cfg); !errors.Is(err, errInjected) {
		t.Fatalf("ensure = %v", err)
	}
	want := []string{"addRoute 2001:db8:1:2::/64", "addRoute fd00:db8:1::/64", "delRoute 2001:db8:1:2::/64"}
	if diff := cmp.Diff(want, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	if _, ok, _ := f.linkByName(DefaultName); !ok {
		t.Error("rollback deleted a shim this call did not create")
	}
}

func TestEnsureErrors(t *testing.T) {
	tests := []struct {
		name  string
		cfg   Config
		setup func(f *fake)
		want  error
	}{
		{name: "no parent", cfg: Config{Parent: "eth9"}, want: ErrNoParent},
		{name: "name taken", cfg: Config{Parent: "eth0"}, setup: func(f *fake) {
			f.addLink(linkInfo{Name: DefaultName, Kind: "bridge"})
		}, want: ErrNameTaken},
		{name: "other parent", cfg: Config{Parent: "eth0"}, setup: func(f *fake) {
			f.addLink(linkInfo{Name: DefaultName, Kind: "macvlan", Mode: ModeBridge, ParentIndex: 7, MAC: mustMAC("02:16:3e:65:2b:99")})
		}, want: ErrNameTaken},
		{name: "private mode", cfg: Config{Parent: "eth0"}, setup: func(f *fake) {
			f.addLink(linkInfo{Name: DefaultName, Kind: "macvlan", Mode: ModePrivate, ParentIndex: 1, MAC: mustMAC("02:16:3e:65:2b:99")})
		}, want: ErrNameTaken},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := lan()
			if tt.setup != nil {
				tt.setup(f)
			}
			tt.cfg.SysRoot = t.TempDir()
			if _, err := ensure(context.Background(), f, tt.cfg); !errors.Is(err, tt.want) {
				t.Errorf("ensure = %v, want %v", err, tt.want)
			}
			if slices.Contains(f.calls, "addMacvlan") {
				t.Errorf("created a link: %v", f.calls)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f, _ := lan()
	if _, err := ensure(ctx, f, Config{Parent: "eth0", SysRoot: t.TempDir()}); !errors.Is(err, context.Canceled) {
		t.Errorf("ensure with a cancelled context = %v", err)
	}
}

// TestNameTakenSaysWhatIsThere: the refusal says in words what holds the
// name (it printed `kind "device", mode mode(0), MAC ` for lo).
func TestNameTakenSaysWhatIsThere(t *testing.T) {
	const pre = `macvlan: interface "host-shim" exists and is not our shim on "eth0" (`
	const post = `); give the shim another name`
	tests := []struct {
		name string
		l    linkInfo
		want string
	}{
		{name: "loopback", l: linkInfo{Kind: "device", Encap: "loopback"}, want: "a loopback device with no MAC"},
		{name: "nic", l: linkInfo{Kind: "device", Encap: "ether", MAC: mustMAC("00:16:3e:00:00:01")}, want: "an Ethernet device with MAC 00:16:3e:00:00:01"},
		{name: "no kind or encap", l: linkInfo{}, want: "a device with no MAC"},
		{name: "other encap", l: linkInfo{Kind: "device", Encap: "ipip"}, want: "a device of link type ipip with no MAC"},
		{name: "bridge", l: linkInfo{Kind: "bridge", Encap: "ether", MAC: mustMAC("02:00:00:00:00:01")}, want: "a bridge link with MAC 02:00:00:00:00:01"},
		{name: "ipvlan", l: linkInfo{Kind: "ipvlan", Encap: "ether", MAC: mustMAC("02:00:00:00:00:01")}, want: "an ipvlan link with MAC 02:00:00:00:00:01"},
		{name: "private macvlan", l: linkInfo{Kind: "macvlan", Mode: ModePrivate, ParentIndex: 1, MAC: mustMAC("02:16:3e:65:2b:99")},
			want: "a macvlan in private mode with MAC 02:16:3e:65:2b:99"},
		{name: "macvlan without a mode", l: linkInfo{Kind: "macvlan", ParentIndex: 1, MAC: mustMAC("02:16:3e:65:2b:99")},
			want: "a macvlan in unknown mode with MAC 02:16:3e:65:2b:99"},
		{name: "macvlan elsewhere", l: linkInfo{Kind: "macvlan", Mode: ModeBridge, ParentIndex: 7, MAC: mustMAC("02:16:3e:65:2b:99")},
			want: "a macvlan in bridge mode on another parent with MAC 02:16:3e:65:2b:99"},
		{name: "bridge-mode macvlan, other MAC", l: linkInfo{Kind: "macvlan", Mode: ModeBridge, ParentIndex: 1, MAC: mustMAC("02:00:00:00:00:09")},
			want: "a macvlan in bridge mode with MAC 02:00:00:00:00:09, not the shim's 02:16:3e:65:2b:99"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := lan()
			tt.l.Name = DefaultName
			f.addLink(tt.l)
			_, err := ensure(context.Background(), f, Config{Parent: "eth0", SysRoot: t.TempDir()})
			if !errors.Is(err, ErrNameTaken) || err.Error() != pre+tt.want+post {
				t.Errorf("ensure = %v\nwant  %s", err, pre+tt.want+post)
			}
		})
	}
}

func TestList(t *testing.T) {
	f, idx := lan()
	f.addLink(linkInfo{Name: "mv1", Kind: "macvlan", ParentIndex: idx, Mode: ModePrivate, MAC: mustMAC("02:00:00:00:00:01")})
	f.addLink(linkInfo{Name: "mv0", Kind: "macvlan", ParentIndex: idx, Mode: ModeVEPA, MAC: mustMAC("02:00:00:00:00:02"), Up: true})
	f.addLink(linkInfo{Name: "other", Kind: "macvlan", ParentIndex: 99, Mode: ModeBridge})
	got, err := list(f, "eth0")
	if err != nil {
		t.Fatal(err)
	}
	want := []Link{
		{Name: "mv0", Index: 3, MAC: mustMAC("02:00:00:00:00:02"), Mode: ModeVEPA, Up: true},
		{Name: "mv1", Index: 2, MAC: mustMAC("02:00:00:00:00:01"), Mode: ModePrivate},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("list (-want +got):\n%s", diff)
	}
	for m, s := range map[Mode]string{ModeBridge: "bridge", ModePrivate: "private", ModeVEPA: "vepa", ModePassthru: "passthru", ModeSource: "source", ModeUnknown: "unknown", 3: "unknown", 32: "unknown"} {
		if m.String() != s {
			t.Errorf("Mode(%d).String() = %q, want %q", m, m.String(), s)
		}
	}
}

func TestEnsureRenumber(t *testing.T) {
	f, parent := lan()
	cfg := Config{Parent: "eth0", IPv4: true, SysRoot: t.TempDir()}
	if _, err := ensure(context.Background(), f, cfg); err != nil {
		t.Fatal(err)
	}
	// A user's own route on the shim is never touched.
	f.routes_[2] = append(f.routes_[2], Route{Dst: netip.MustParsePrefix("2001:db8:ffff::/48"), Metric: 1024})
	// The ISP hands out a new prefix; the ULA stays.
	f.onlink[parent][1] = onLink{Dst: netip.MustParsePrefix("2001:db8:9:9::/64")}
	f.calls = nil
	got, err := ensure(context.Background(), f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Changed || got.Created {
		t.Errorf("renumbering ensure: Created=%v Changed=%v", got.Created, got.Changed)
	}
	want := []string{"addAddr", "delAddr", "delRoute 2001:db8:1:2::/64", "addRoute 2001:db8:9:9::/64"}
	if diff := cmp.Diff(want, f.calls); diff != "" {
		t.Errorf("calls (-want +got):\n%s", diff)
	}
	wantAddrs := []netip.Prefix{netip.MustParsePrefix("fd00:db8:1:0:16:3eff:fe65:2b99/128"), netip.MustParsePrefix("2001:db8:9:9:16:3eff:fe65:2b99/128")}
	if diff := cmp.Diff(wantAddrs, f.addrs_[2], cmpAddrs); diff != "" {
		t.Errorf("addresses (-want +got):\n%s", diff)
	}
	// Without IPv4 the IPv4 routes go; the user's route stays.
	f.calls = nil
	if _, err := ensure(context.Background(), f, Config{Parent: "eth0", SysRoot: cfg.SysRoot}); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{"delRoute 192.0.2.0/25", "delRoute 192.0.2.128/25"}, f.calls); diff != "" {
		t.Errorf("calls without IPv4 (-want +got):\n%s", diff)
	}
	var dsts []string
	for _, r := range f.routes_[2] {
		dsts = append(dsts, r.Dst.String())
	}
	slices.Sort(dsts)
	if diff := cmp.Diff([]string{"2001:db8:9:9::/64", "2001:db8:ffff::/48", "fd00:db8:1::/64"}, dsts); diff != "" {
		t.Errorf("routes left (-want +got):\n%s", diff)
	}
}
