package lxddns

import (
	"bytes"
	"context"
	"errors"
	"net/netip"
	"testing"

	"github.com/canonical/lxd/shared/api"
	"github.com/google/go-cmp/cmp"
)

type fakeLister []api.Instance

func (f fakeLister) GetInstances(api.InstanceType) ([]api.Instance, error) { return f, nil }

func TestWrite(t *testing.T) {
	insts := fakeLister{
		{Name: "web", ExpandedConfig: map[string]string{"volatile.eth0.hwaddr": "00:16:3e:65:2b:99"},
			ExpandedDevices: map[string]map[string]string{"eth0": {"type": "nic", "nictype": "macvlan", "parent": "eth0"}, "root": {"type": "disk", "path": "/", "pool": "default"}}},
		{Name: "router", ExpandedConfig: map[string]string{"volatile.eth0.hwaddr": "00:16:3e:00:00:01"},
			ExpandedDevices: map[string]map[string]string{
				"eth0": {"type": "nic", "nictype": "bridged", "parent": "br0"},
				"eth1": {"type": "nic", "nictype": "bridged", "parent": "lxdbr0", "hwaddr": "b8:27:eb:12:34:56"},
			}},
		{Name: "empty"},
	}
	prefixes := []netip.Prefix{netip.MustParsePrefix("2001:db8:1:2::/64"), netip.MustParsePrefix("fd00:db8:1::/64")}
	var out bytes.Buffer
	if err := write(context.Background(), insts, prefixes, false, &out); err != nil {
		t.Fatal(err)
	}
	want := `router IN AAAA 2001:db8:1:2:216:3eff:fe00:1
router IN AAAA fd00:db8:1:0:216:3eff:fe00:1
router IN AAAA 2001:db8:1:2:ba27:ebff:fe12:3456
router IN AAAA fd00:db8:1:0:ba27:ebff:fe12:3456
web IN AAAA 2001:db8:1:2:216:3eff:fe65:2b99
web IN AAAA fd00:db8:1:0:216:3eff:fe65:2b99
`
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("zone lines (-want +got):\n%s", diff)
	}
	out.Reset()
	if err := write(context.Background(), insts[:1], prefixes[:1], true, &out); err != nil {
		t.Fatal(err)
	}
	wantJSON := `{"instance":"web","nic":"eth0","mac":"00:16:3e:65:2b:99","addr":"2001:db8:1:2:216:3eff:fe65:2b99","line":"web IN AAAA 2001:db8:1:2:216:3eff:fe65:2b99"}` + "\n"
	if diff := cmp.Diff(wantJSON, out.String()); diff != "" {
		t.Errorf("-json (-want +got):\n%s", diff)
	}
}

func TestRunUsage(t *testing.T) {
	tests := []struct {
		name     string
		prefixes []string
	}{
		{name: "none"},
		{name: "not a prefix", prefixes: []string{"2001:db8::1"}},
		{name: "a /48", prefixes: []string{"2001:db8::/48"}},
		{name: "IPv4", prefixes: []string{"192.0.2.0/24"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			if err := Run(context.Background(), Options{Prefixes: tt.prefixes}, &out); !errors.Is(err, ErrUsage) {
				t.Errorf("Run = %v, want ErrUsage", err)
			}
		})
	}
}
