package macvlanshim

import (
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
)

// hostLab is a "host" namespace whose eth0 (MAC 00:16:3e:65:2b:99, on
// 2001:db8:1:2::/64) is one end of a labtest.Pair with "wire", with a
// private macvlan ctr0 on it.
func hostLab(t *testing.T) *lab.Netns {
	t.Helper()
	l := labtest.New(t)
	host, _ := labtest.Pair(t, l, "host", "wire")
	for _, err := range []error{
		host.AddAddr("eth0", netip.MustParsePrefix("2001:db8:1:2::1/64")),
		host.SetMAC("eth0", []byte{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}),
		host.IP("link", "add", "ctr0", "link", "eth0", "type", "macvlan", "mode", "private"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return host
}

// mainIn runs the program in ns.
func mainIn(t *testing.T, ns *lab.Netns, args ...string) clitest.Result {
	t.Helper()
	var r clitest.Result
	if err := ns.Run(func() error { r = clitest.Run(t, Command, args...); return nil }); err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRunInterop(t *testing.T) {
	host := hostLab(t)
	run := func(args ...string) string {
		t.Helper()
		r := mainIn(t, host, args...)
		if r.Status != 0 {
			t.Fatalf("macvlan-shim %s: status %d, stderr %q", strings.Join(args, " "), r.Status, r.Stderr)
		}
		return r.Stdout
	}
	if _, err := host.Interface("host-shim"); err == nil {
		t.Fatal("host-shim exists before the run")
	}

	got := run("-parent", "eth0")
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
	if err := json.Unmarshal([]byte(run("-parent", "eth0", "-json")), &obj); err != nil {
		t.Fatal(err)
	}
	wantObj := map[string]any{
		"action": "ensure", "name": "host-shim", "parent": "eth0", "mac": "02:16:3e:65:2b:99", "index": float64(shim.Index),
		"created": false, "changed": false, "addrs": []any{"2001:db8:1:2:16:3eff:fe65:2b99/128"},
		"routes": []any{map[string]any{"dst": "2001:db8:1:2::/64", "src": nil, "metric": float64(100), "pref_high": true}},
	}
	if diff := cmp.Diff(wantObj, obj); diff != "" {
		t.Errorf("second run -json (-want +got):\n%s", diff)
	}

	ctr, err := host.Interface("ctr0")
	if err != nil {
		t.Fatal(err)
	}
	got = run("-parent", "eth0", "-list")
	want = fmt.Sprintf("ctr0@eth0 mode private mac %s down\nhost-shim@eth0 mode bridge mac 02:16:3e:65:2b:99 up\n", ctr.HardwareAddr)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("-list (-want +got):\n%s", diff)
	}
	if got := run("-parent", "eth0", "-list", "-json"); strings.Count(got, "\n") != 2 || !strings.Contains(got, `"mode":"bridge"`) {
		t.Errorf("-list -json = %q", got)
	}

	if got := run("-parent", "eth0", "-remove"); got != "host-shim on eth0: removed\n" {
		t.Errorf("-remove = %q", got)
	}
	if got := run("-parent", "eth0", "-remove", "-json"); got != `{"action":"remove","name":"host-shim","parent":"eth0","changed":false,"removed":false}`+"\n" {
		t.Errorf("second -remove -json = %q", got)
	}
	if _, err := host.Interface("host-shim"); err == nil {
		t.Error("host-shim still exists")
	}
}

// TestMetricConverges: re-running with another -metric leaves one route
// per prefix, with the new metric (it used to leave both).
func TestMetricConverges(t *testing.T) {
	host := hostLab(t)
	for _, m := range []string{"100", "7", "99"} {
		if r := mainIn(t, host, "-parent", "eth0", "-metric", m); r.Status != 0 {
			t.Fatalf("-metric %s: status %d, %s", m, r.Status, r.Stderr)
		}
	}
	out, err := host.Output(context.Background(), "ip", "-6", "route", "show", "2001:db8:1:2::/64", "dev", "host-shim")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.TrimSpace(string(out)), "2001:db8:1:2::/64 proto static metric 99 pref high"; got != want {
		t.Errorf("routes via the shim after -metric 100, 7, 99:\n%s\nwant\n%s", got, want)
	}
}

// TestRuntimeErrors: a missing parent is a usage error (exit 2: nothing
// was done), as in v6disc; errors only the kernel can tell are one line
// naming the interface, exit 1. Nothing is created.
func TestRuntimeErrors(t *testing.T) {
	host := hostLab(t)
	clitest.BadInputsIn(t, host.Run, Command, []clitest.BadInput{
		{Args: []string{"-parent", "eth7"}, Status: 2, Line: `macvlan-shim: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "eth7", "-list"}, Status: 2, Line: `macvlan-shim: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "eth7", "-remove"}, Status: 2, Line: `macvlan-shim: -parent: interface "eth7" not found; list them with 'ip link'`},
		{Args: []string{"-parent", "lo"}, Status: 1, Line: `macvlan-shim: parent "lo" is not an Ethernet link (link type loopback, no MAC); give the LAN interface, such as eth0`},
		{Args: []string{"-parent", "eth0", "-name", "ctr0"}, Status: 1, Line: `macvlan-shim: interface "ctr0" exists and is not our shim on "eth0" (a macvlan in private mode with MAC ` + mustMAC(t, host, "ctr0") + `); give the shim another name`},
		{Args: []string{"-parent", "eth0", "-name", "lo"}, Status: 1, Line: `macvlan-shim: interface "lo" exists and is not our shim on "eth0" (a loopback device with no MAC); give the shim another name`},
		{Args: []string{"-parent", "eth0", "-name", "ctr0", "-remove"}, Status: 1, Line: `macvlan-shim: interface "ctr0" is not our shim on "eth0"; left alone`},
	})
	if _, err := host.Interface("host-shim"); err == nil {
		t.Error("a shim was created")
	}
}

func mustMAC(t *testing.T, ns *lab.Netns, name string) string {
	t.Helper()
	ifi, err := ns.Interface(name)
	if err != nil {
		t.Fatal(err)
	}
	return ifi.HardwareAddr.String()
}
