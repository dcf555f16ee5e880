package ripngd

import (
	"bytes"
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/ripng"
)

func TestRunRejects(t *testing.T) {
	for _, tt := range []struct {
		name string
		opts Options
	}{
		{"no interfaces", Options{}},
		{"cost 16", Options{Interfaces: []string{"lo"}, Cost: 16}},
		{"host bits", Options{Interfaces: []string{"lo"}, Announce: []netip.Prefix{netip.MustParsePrefix("2001:db8::1/64")}}},
		{"no such interface", Options{Interfaces: []string{"v6kit-none0"}}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			err := Run(context.Background(), tt.opts, &bytes.Buffer{})
			if err == nil || !strings.HasPrefix(err.Error(), "ripngd: ") {
				t.Errorf("Run = %v, want a ripngd error", err)
			}
		})
	}
}

func TestWriteRoutes(t *testing.T) {
	rs := []ripng.RouteInfo{
		{Prefix: netip.MustParsePrefix("2001:db8:a::/48"), NextHop: netip.MustParseAddr("fe80::a"), Metric: 2, Tag: 5, Interface: "eth0", From: netip.MustParseAddr("fe80::a"), Source: "rip", Age: 3 * time.Second},
		{Prefix: netip.MustParsePrefix("2001:db8:b::/48"), Metric: 1, Source: "static"},
	}
	var b bytes.Buffer
	if err := writeRoutes(&b, rs, true); err != nil {
		t.Fatal(err)
	}
	want := `{"prefix":"2001:db8:a::/48","nexthop":"fe80::a","metric":2,"tag":5,"iface":"eth0","from":"fe80::a"}
{"prefix":"2001:db8:b::/48","nexthop":"::","metric":1,"tag":0,"iface":"","from":"::"}
`
	if b.String() != want {
		t.Errorf("-json output:\n%s\nwant:\n%s", b.String(), want)
	}
	b.Reset()
	if err := writeRoutes(&b, rs, false); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "2001:db8:a::/48          via fe80::a on eth0") || !strings.Contains(b.String(), "self") {
		t.Errorf("text output:\n%s", b.String())
	}
}

func TestWriteViews(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var b bytes.Buffer
	err := writeViews(&b,
		[]ripng.InterfaceInfo{{Name: "eth0", Up: true, Cost: 1, Neighbors: 2, NextUpdate: now.Add(12500 * time.Millisecond)}},
		[]ripng.NeighborInfo{{Addr: netip.MustParseAddr("fe80::2"), Interface: "eth0", Routes: 3, LastSeen: now.Add(-2 * time.Second), BadRoutes: 1}},
		now)
	if err != nil {
		t.Fatal(err)
	}
	want := `
Interface  State Metric   Nbrs    Timer
eth0       Up         1      2   12.500

IP address                Interface  Routes     Seen  BadPkts  BadRtes
fe80::2                   eth0            3    2.000        0        1
`
	if b.String() != want {
		t.Errorf("views:\n%s\nwant:\n%s", b.String(), want)
	}
}
