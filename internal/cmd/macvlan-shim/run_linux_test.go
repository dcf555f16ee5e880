package macvlanshim

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/labtest"
)

func TestRunInterop(t *testing.T) {
	l := labtest.New(t)
	host, err := l.Namespace("host")
	if err != nil {
		t.Fatal(err)
	}
	wire, err := l.Namespace("wire")
	if err != nil {
		t.Fatal(err)
	}
	for _, err := range []error{
		l.Veth(host, "eth0", wire, "lan0"),
		wire.Up("lan0"),
		host.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::1")),
		host.AddAddr("eth0", netip.MustParsePrefix("2001:db8:1:2::1/64")),
		host.SetMAC("eth0", []byte{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}),
		host.IP("link", "add", "ctr0", "link", "eth0", "type", "macvlan", "mode", "private"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	run := func(o Options) string {
		t.Helper()
		var out bytes.Buffer
		if err := host.Run(func() error { return Run(context.Background(), o, &out) }); err != nil {
			t.Fatalf("Run(%+v): %v", o, err)
		}
		return out.String()
	}
	idx, err := host.Interface("host-shim")
	if err == nil {
		t.Fatalf("host-shim exists before the run: %v", idx)
	}

	got := run(Options{Parent: "eth0"})
	want := "host-shim on eth0 (mode bridge, mac 02:16:3e:65:2b:99): created\n" +
		"  address 2001:db8:1:2:16:3eff:fe65:2b99/128\n" +
		"  route 2001:db8:1:2::/64 dev host-shim metric 100 pref high\n"
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	shim, err := host.Interface("host-shim")
	if err != nil {
		t.Fatal(err)
	}

	var obj map[string]any
	if err := json.Unmarshal([]byte(run(Options{Parent: "eth0", JSON: true})), &obj); err != nil {
		t.Fatal(err)
	}
	wantObj := map[string]any{
		"action": "ensure", "name": "host-shim", "parent": "eth0", "mac": "02:16:3e:65:2b:99", "index": float64(shim.Index),
		"changed": false, "addrs": []any{"2001:db8:1:2:16:3eff:fe65:2b99/128"},
		"routes": []any{map[string]any{"dst": "2001:db8:1:2::/64", "metric": float64(100), "pref_high": true}},
	}
	if diff := cmp.Diff(wantObj, obj); diff != "" {
		t.Errorf("second run -json (-want +got):\n%s", diff)
	}

	ctr, err := host.Interface("ctr0")
	if err != nil {
		t.Fatal(err)
	}
	got = run(Options{Parent: "eth0", List: true})
	want = fmt.Sprintf("ctr0@eth0 mode private mac %s down\nhost-shim@eth0 mode bridge mac 02:16:3e:65:2b:99 up\n", ctr.HardwareAddr)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-list (-want +got):\n%s", diff)
	}
	if got := run(Options{Parent: "eth0", List: true, JSON: true}); strings.Count(got, "\n") != 2 || !strings.Contains(got, `"mode":"bridge"`) {
		t.Errorf("-list -json = %q", got)
	}

	if got := run(Options{Parent: "eth0", Remove: true}); got != "host-shim on eth0: removed\n" {
		t.Errorf("-remove = %q", got)
	}
	if got := run(Options{Parent: "eth0", Remove: true, JSON: true}); got != `{"action":"remove","name":"host-shim","parent":"eth0","changed":false,"removed":false}`+"\n" {
		t.Errorf("second -remove -json = %q", got)
	}
	if _, err := host.Interface("host-shim"); err == nil {
		t.Error("host-shim still exists")
	}
	var out bytes.Buffer
	err = host.Run(func() error { return Run(context.Background(), Options{Parent: "eth7"}, &out) })
	if err == nil || !strings.HasPrefix(err.Error(), "macvlan: ") {
		t.Errorf("Run on a missing parent = %v", err)
	}
}
