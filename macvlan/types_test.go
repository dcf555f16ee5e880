package macvlan

import (
	"context"
	"errors"
	"net/netip"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEnsureMetricConverges: ensuring again with another metric replaces
// the shim's routes instead of adding a second one per prefix.
func TestEnsureMetricConverges(t *testing.T) {
	f, _ := lan()
	cfg := Config{Parent: "eth0", IPv4: true, SysRoot: t.TempDir()}
	if _, err := ensure(context.Background(), f, cfg); err != nil {
		t.Fatal(err)
	}
	// A user's own route on the shim is never touched, whatever its metric.
	user := Route{Dst: netip.MustParsePrefix("2001:db8:ffff::/48"), Metric: 50}
	f.routes_[2] = append(f.routes_[2], user)
	cfg.Metric = 50
	shim, err := ensure(context.Background(), f, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if !shim.Changed {
		t.Error("ensure with another metric changed nothing")
	}
	got := slices.Clone(f.routes_[2])
	slices.SortFunc(got, func(a, b Route) int { return comparePrefix(a.Dst, b.Dst) })
	want := []Route{
		{Dst: netip.MustParsePrefix("192.0.2.0/25"), Src: netip.MustParseAddr("192.0.2.1"), Metric: 50},
		{Dst: netip.MustParsePrefix("192.0.2.128/25"), Src: netip.MustParseAddr("192.0.2.1"), Metric: 50},
		{Dst: netip.MustParsePrefix("2001:db8:1:2::/64"), Metric: 50, PrefHigh: true},
		user,
		{Dst: netip.MustParsePrefix("fd00:db8:1::/64"), Metric: 50, PrefHigh: true},
	}
	if diff := cmp.Diff(want, got, cmpAddrs); diff != "" {
		t.Errorf("routes after -metric 50 (-want +got):\n%s", diff)
	}
	f.calls = nil
	if again, err := ensure(context.Background(), f, cfg); err != nil || again.Changed || len(f.calls) != 0 {
		t.Errorf("ensure again: %v changed=%v calls=%v", err, again != nil && again.Changed, f.calls)
	}
}

// TestConfigChecked: names Linux refuses and a non-Ethernet parent are
// errors that say so before any link is made.
func TestConfigChecked(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
		is   error
	}{
		{name: "no parent", cfg: Config{}, want: "macvlan: no parent interface; set Config.Parent to the LAN interface, such as eth0"},
		{name: "long parent", cfg: Config{Parent: "eth0123456789abc"}, want: `macvlan: parent: interface name "eth0123456789abc" is 16 bytes; Linux takes at most 15`},
		{name: "long name", cfg: Config{Parent: "eth0", Name: "a-very-long-shim-name"}, want: `macvlan: shim name: interface name "a-very-long-shim-name" is 21 bytes; Linux takes at most 15`},
		{name: "name with space", cfg: Config{Parent: "eth0", Name: "host shim"}, want: `macvlan: shim name: interface name "host shim" has '/', ':' or white space; Linux refuses those`},
		{name: "name is parent", cfg: Config{Parent: "eth0", Name: "eth0"}, want: `macvlan: shim name "eth0" equals the parent's; give the shim another name`},
		{name: "missing parent", cfg: Config{Parent: "eth9"}, want: `macvlan: parent interface "eth9" not found; list them with 'ip link'`, is: ErrNoParent},
		{name: "loopback parent", cfg: Config{Parent: "lo"}, want: `macvlan: parent "lo" is not an Ethernet link (link type loopback, no MAC); give the LAN interface, such as eth0`, is: ErrNotEthernet},
		{name: "tunnel parent", cfg: Config{Parent: "tun0"}, want: `macvlan: parent "tun0" is not an Ethernet link (link type none, no MAC); give the LAN interface, such as eth0`, is: ErrNotEthernet},
		{name: "infiniband parent", cfg: Config{Parent: "ib0"}, want: `macvlan: parent "ib0" is not an Ethernet link (link type infiniband, MAC 00:00:00:00:00:00:00:01); give the LAN interface, such as eth0`, is: ErrNotEthernet},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, _ := lan()
			f.addLink(linkInfo{Name: "lo", Kind: "device", Encap: "loopback", Up: true})
			f.addLink(linkInfo{Name: "tun0", Kind: "tun", Encap: "none", Up: true})
			f.addLink(linkInfo{Name: "ib0", Kind: "ipoib", Encap: "infiniband", MAC: mustMAC("00:00:00:00:00:00:00:01"), Up: true})
			tt.cfg.SysRoot = t.TempDir()
			_, err := ensure(context.Background(), f, tt.cfg)
			if err == nil || err.Error() != tt.want {
				t.Errorf("ensure = %v\nwant     %s", err, tt.want)
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Errorf("ensure = %v, want errors.Is %v", err, tt.is)
			}
			if slices.Contains(f.calls, "addMacvlan") {
				t.Errorf("created a link: %v", f.calls)
			}
			if _, err := remove(f, tt.cfg); err == nil || err.Error() != tt.want {
				t.Errorf("remove = %v\nwant     %s", err, tt.want)
			}
		})
	}
	// The public functions check names before opening netlink, so this
	// holds unprivileged and on every system.
	if _, err := Ensure(context.Background(), Config{Parent: "eth0", Name: "a b"}); err == nil || err.Error() != `macvlan: shim name: interface name "a b" has '/', ':' or white space; Linux refuses those` {
		t.Errorf("Ensure with a bad name = %v", err)
	}
	if _, err := List(context.Background(), ""); err == nil || err.Error() != "macvlan: parent: interface name is empty; give a name such as eth0" {
		t.Errorf("List(\"\") = %v", err)
	}
}
