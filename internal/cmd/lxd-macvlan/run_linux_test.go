package lxdmacvlan

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/lxdprofile"
)

func TestRunInterop(t *testing.T) {
	l := labtest.New(t)
	x := labtest.StartLXD(t, l)
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
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	run := func(o Options) (string, error) {
		o.Socket = x.Socket()
		var out bytes.Buffer
		err := host.Run(func() error { return Run(context.Background(), o, &out) })
		return out.String(), err
	}

	got, err := run(Options{Parent: "eth0", Shim: true})
	if err != nil {
		t.Fatal(err)
	}
	show := labtest.RunLXD(t, x, "", "lxc", "profile", "show", "macvlan")
	want := "# profile macvlan: created on LXD 5.0.2; launch with: lxc launch IMAGE NAME -p macvlan\n" +
		"# host shim host-shim on eth0 (mac 02:16:3e:65:2b:99): created; routes [2001:db8:1:2::/64]\n" + show
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("first run (-want +got):\n%s", diff)
	}
	p, err := lxdprofile.Parse([]byte(show))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Equal(lxdprofile.Macvlan("eth0", "default")) {
		t.Errorf("daemon's profile %+v is not the macvlan preset", p)
	}
	if _, err := host.Interface("host-shim"); err != nil {
		t.Errorf("no shim: %v", err)
	}

	got, err = run(Options{Parent: "eth0", Shim: true, JSON: true})
	if err != nil {
		t.Fatal(err)
	}
	var obj outJSON
	if err := json.Unmarshal([]byte(got), &obj); err != nil {
		t.Fatal(err)
	}
	wantObj := outJSON{Profile: "macvlan", Result: "unchanged", ServerVersion: "5.0.2", YAML: show,
		Shim: &shimJSON{Name: "host-shim", Parent: "eth0", MAC: "02:16:3e:65:2b:99", Routes: []string{"2001:db8:1:2::/64"}}}
	if diff := cmp.Diff(wantObj, obj); diff != "" {
		t.Errorf("second run -json (-want +got):\n%s", diff)
	}
	if strings.Count(got, "\n") != 1 {
		t.Errorf("-json printed %d lines", strings.Count(got, "\n"))
	}

	// Someone edits the profile: refused without -overwrite, replaced with it.
	labtest.RunLXD(t, x, "", "lxc", "profile", "device", "set", "macvlan", "eth0", "parent", "eth1")
	if _, err := run(Options{Parent: "eth0"}); !errors.Is(err, lxdprofile.ErrDiffers) {
		t.Errorf("run over an edited profile = %v, want ErrDiffers", err)
	}
	got, err = run(Options{Parent: "eth0", Overwrite: true, Profile: "macvlan"})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got, "# profile macvlan: updated") || !strings.Contains(got, "parent: eth0") {
		t.Errorf("-overwrite printed:\n%s", got)
	}
	if _, err := run(Options{}); !errors.Is(err, ErrUsage) {
		t.Errorf("no -parent = %v, want ErrUsage", err)
	}
	if _, err := run(Options{Parent: "eth0", Profile: "bad/name"}); !errors.Is(err, ErrUsage) {
		t.Errorf("bad profile name = %v, want ErrUsage", err)
	}
}
