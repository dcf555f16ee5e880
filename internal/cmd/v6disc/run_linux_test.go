package v6disc

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
)

// TestRunLab runs the program's Run inside a scanner namespace on a bridge
// with two hosts: one plain, one that ignores multicast echo.
func TestRunLab(t *testing.T) {
	l := labtest.New(t)
	sw, err := l.Namespace("sw")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Bridge("br0", false); err != nil {
		t.Fatal(err)
	}
	type node struct {
		name, mac, ll, gua, vendor string
		guaKind                    string // how a neighbour classifies gua (ll is always "manual")
		sysctl                     []string
	}
	nodes := []node{
		{"scan", "02:5c:a0:00:00:01", "fe80::5ca", "2001:db8:1::5ca", "", "manual", nil},
		// The Pi's global address is its MAC's EUI-64, the quiet host's a
		// low-byte one: the kind column tells them apart.
		{"pi", "b8:27:eb:00:00:02", "fe80::2", "2001:db8:1:0:ba27:ebff:fe00:2", "Raspberry Pi Foundation", "eui64", nil},
		{"quiet", "00:16:3e:00:00:03", "fe80::3", "2001:db8:1::3", "Xensource, Inc.", "manual", []string{"net.ipv6.icmp.echo_ignore_multicast", "1"}},
	}
	var scan *lab.Netns
	for i, n := range nodes {
		ns, err := l.Namespace(n.name)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Attach(ns, "eth0", sw, "br0", fmt.Sprintf("p%d", i)); err != nil {
			t.Fatal(err)
		}
		mac, _ := net.ParseMAC(n.mac)
		if err := ns.SetMAC("eth0", mac); err != nil {
			t.Fatal(err)
		}
		for j := 0; j < len(n.sysctl); j += 2 {
			if err := ns.Sysctl(n.sysctl[j], n.sysctl[j+1]); err != nil {
				t.Fatal(err)
			}
		}
		if err := ns.StaticLinkLocal("eth0", netip.MustParseAddr(n.ll)); err != nil {
			t.Fatal(err)
		}
		if err := ns.AddAddr("eth0", netip.MustParsePrefix(n.gua+"/64")); err != nil {
			t.Fatal(err)
		}
		if i == 0 {
			scan = ns
		}
	}
	run := func(o Options) string {
		t.Helper()
		var out bytes.Buffer
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if err := scan.Run(func() error { return Run(ctx, o, &out) }); err != nil {
			t.Fatalf("Run(%+v): %v", o, err)
		}
		return out.String()
	}

	// Default: every up interface with carrier (eth0 here), columns.
	var want []string
	for _, n := range nodes[1:] {
		want = append(want, fmt.Sprintf("%-42s %-16s %s  %s", n.ll+"%eth0", "manual", n.mac, n.vendor), fmt.Sprintf("%-42s %-16s %s  %s", n.gua, n.guaKind, n.mac, n.vendor))
	}
	got := strings.Split(strings.TrimSpace(run(Options{Timeout: 2 * time.Second})), "\n")
	slices.Sort(got)
	slices.Sort(want)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("columns (-want +got):\n%s", diff)
	}

	// -L -q -i eth0.
	got = strings.Split(strings.TrimSpace(run(Options{Interface: "eth0", LinkLocal: true, Quiet: true, Timeout: 2 * time.Second})), "\n")
	slices.Sort(got)
	if diff := cmp.Diff([]string{"fe80::2%eth0", "fe80::3%eth0"}, got); diff != "" {
		t.Errorf("-L -q (-want +got):\n%s", diff)
	}

	// -json: one object per host.
	lines := strings.Split(strings.TrimSpace(run(Options{Interface: "eth0", JSON: true, Timeout: 2 * time.Second})), "\n")
	if len(lines) != 2 {
		t.Fatalf("-json printed %d lines, want 2:\n%s", len(lines), strings.Join(lines, "\n"))
	}
	for i, l := range lines {
		var h hostJSON
		if err := json.Unmarshal([]byte(l), &h); err != nil {
			t.Fatal(err)
		}
		n := nodes[2-i] // sorted by MAC: 00:16:3e… first
		if h.MAC != n.mac || h.Vendor != n.vendor || !slices.Equal(h.Addrs, []string{n.ll + "%eth0", n.gua}) || !slices.Equal(h.Kinds, []string{"manual", n.guaKind}) || h.Router || len(h.Methods) == 0 {
			t.Errorf("-json host %d = %+v, want %s %q [%s%%eth0 %s] kinds [manual %s]", i, h, n.mac, n.vendor, n.ll, n.gua, n.guaKind)
		}
	}

	// -json -stream: "joined" per host, "added" per later address; every
	// address of every host exactly once, link-locals zoned by name.
	lines = strings.Split(strings.TrimSpace(run(Options{Interface: "eth0", JSON: true, Stream: true, Timeout: 2 * time.Second})), "\n")
	streamed := map[string][]string{}
	for _, l := range lines {
		var h hostJSON
		if err := json.Unmarshal([]byte(l), &h); err != nil {
			t.Fatal(err)
		}
		if (h.Event == "joined") != (streamed[h.MAC] == nil) || (h.Event != "joined" && h.Event != "added") {
			t.Errorf("-stream: %q event for %s after %v", h.Event, h.MAC, streamed[h.MAC])
		}
		streamed[h.MAC] = append(streamed[h.MAC], h.Addrs...)
	}
	for _, n := range nodes[1:] {
		got := streamed[n.mac]
		slices.Sort(got)
		if diff := cmp.Diff([]string{n.gua, n.ll + "%eth0"}, got); diff != "" {
			t.Errorf("-stream addresses of %s (-want +got):\n%s", n.mac, diff)
		}
	}
}
