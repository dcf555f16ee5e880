package v6disc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/v6kit/v6kit/discover"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type fakeScanner struct {
	snaps   []discover.Host
	changes []discover.Change
	closed  bool
}

func (f *fakeScanner) Scan(ctx context.Context) iter.Seq2[discover.Host, error] {
	return func(yield func(discover.Host, error) bool) {
		for _, h := range f.snaps {
			if !yield(h, nil) {
				return
			}
		}
	}
}

func (f *fakeScanner) Watch(ctx context.Context, o *discover.WatchOptions) iter.Seq2[discover.Change, error] {
	return func(yield func(discover.Change, error) bool) {
		for _, c := range f.changes {
			if !yield(c, nil) {
				return
			}
		}
	}
}

func (f *fakeScanner) Close() error { f.closed = true; return nil }

var (
	rpi = net.HardwareAddr{0xb8, 0x27, 0xeb, 0, 0, 2}
	rnd = net.HardwareAddr{0xda, 0xa1, 0x19, 0, 0, 8}
)

func host(mac net.HardwareAddr, vendor string, m discover.Method, router bool, addrs ...string) discover.Host {
	h := discover.Host{MAC: mac, Vendor: vendor, Methods: m, Router: router}
	for _, a := range addrs {
		h.Addrs = append(h.Addrs, discover.Addr{Addr: netip.MustParseAddr(a), Methods: m})
	}
	return h
}

// snaps is a stream as a scan yields it: the Pi first with its link-local,
// then again with a global address too, then a randomised host.
var snaps = []discover.Host{
	host(rpi, "Raspberry Pi Foundation", discover.MethodMLD, false, "fe80::ba27:ebff:fe00:2"),
	host(rpi, "Raspberry Pi Foundation", discover.MethodMLD|discover.MethodEcho, true, "fe80::ba27:ebff:fe00:2", "2001:db8:1:0:ba27:ebff:fe00:2"),
	host(rnd, discover.LocallyAdministered, discover.MethodInvalidDst, false, "fe80::b5a3:c182:e53b:4a76", "2001:db8:1:0:d445:50bd:460d:7864"),
}

func ifaces() ([]net.Interface, error) {
	return []net.Interface{
		{Index: 1, Name: "lo", Flags: net.FlagUp | net.FlagRunning | net.FlagLoopback},
		{Index: 2, Name: "eth0", Flags: net.FlagUp | net.FlagRunning, HardwareAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}},
		{Index: 3, Name: "eth1", Flags: net.FlagUp, HardwareAddr: net.HardwareAddr{2, 0, 0, 0, 0, 2}}, // no carrier
	}, nil
}

func TestRun(t *testing.T) {
	tests := []struct {
		name string
		o    Options
		want string
	}{
		{"columns", Options{}, `fe80::ba27:ebff:fe00:2%eth0                b8:27:eb:00:00:02  Raspberry Pi Foundation
2001:db8:1:0:ba27:ebff:fe00:2              b8:27:eb:00:00:02  Raspberry Pi Foundation
fe80::b5a3:c182:e53b:4a76%eth0             da:a1:19:00:00:08  locally administered
2001:db8:1:0:d445:50bd:460d:7864           da:a1:19:00:00:08  locally administered
`},
		{"link-local, quiet", Options{LinkLocal: true, Quiet: true}, "fe80::ba27:ebff:fe00:2%eth0\nfe80::b5a3:c182:e53b:4a76%eth0\n"},
		{"json", Options{JSON: true}, `{"mac":"b8:27:eb:00:00:02","vendor":"Raspberry Pi Foundation","addrs":["fe80::ba27:ebff:fe00:2%eth0","2001:db8:1:0:ba27:ebff:fe00:2"],"methods":["echo","mld"],"router":true}
{"mac":"da:a1:19:00:00:08","vendor":"locally administered","addrs":["fe80::b5a3:c182:e53b:4a76%eth0","2001:db8:1:0:d445:50bd:460d:7864"],"methods":["invalid-dst"],"router":false}
`},
		{"names", Options{Names: true, openNames: fakeNames}, `fe80::ba27:ebff:fe00:2%eth0                b8:27:eb:00:00:02  Raspberry Pi Foundation          pi.local
2001:db8:1:0:ba27:ebff:fe00:2              b8:27:eb:00:00:02  Raspberry Pi Foundation          pi.local
fe80::b5a3:c182:e53b:4a76%eth0             da:a1:19:00:00:08  locally administered
2001:db8:1:0:d445:50bd:460d:7864           da:a1:19:00:00:08  locally administered
`},
		{"names json", Options{Names: true, JSON: true, openNames: fakeNames}, `{"mac":"b8:27:eb:00:00:02","vendor":"Raspberry Pi Foundation","addrs":["fe80::ba27:ebff:fe00:2%eth0","2001:db8:1:0:ba27:ebff:fe00:2"],"methods":["echo","mld"],"router":true,"name":"pi.local"}
{"mac":"da:a1:19:00:00:08","vendor":"locally administered","addrs":["fe80::b5a3:c182:e53b:4a76%eth0","2001:db8:1:0:d445:50bd:460d:7864"],"methods":["invalid-dst"],"router":false}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opened []string
			f := &fakeScanner{snaps: snaps}
			var out bytes.Buffer
			err := run(context.Background(), tt.o, &out, ifaces, noLocal, func(ifi *net.Interface, o *discover.Options) (scanner, error) {
				opened = append(opened, ifi.Name)
				if o.Timeout != time.Second {
					t.Errorf("timeout %v, want the 1s default", o.Timeout)
				}
				return f, nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, out.String()); diff != "" {
				t.Errorf("output (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"eth0"}, opened); diff != "" {
				t.Errorf("interfaces scanned (-want +got):\n%s", diff)
			}
			if !f.closed {
				t.Error("scanner not closed")
			}
			if tt.o.JSON {
				for _, l := range strings.Split(strings.TrimSpace(out.String()), "\n") {
					var m map[string]any
					if err := json.Unmarshal([]byte(l), &m); err != nil {
						t.Fatal(err)
					}
					for _, k := range []string{"mac", "vendor", "addrs", "methods", "router"} {
						if _, ok := m[k]; !ok {
							t.Errorf("key %q missing in %s", k, l)
						}
					}
				}
			}
		})
	}
}

func TestRunWatch(t *testing.T) {
	f := &fakeScanner{changes: []discover.Change{
		{Kind: discover.Joined, Host: snaps[1]},
		{Kind: discover.Left, Host: snaps[1]},
	}}
	open := func(*net.Interface, *discover.Options) (scanner, error) { return f, nil }
	var out bytes.Buffer
	if err := run(context.Background(), Options{Watch: true, Quiet: true, Interface: "eth0"}, &out, ifaces, noLocal, open); err != nil {
		t.Fatal(err)
	}
	want := "+ fe80::ba27:ebff:fe00:2%eth0\n+ 2001:db8:1:0:ba27:ebff:fe00:2\n- fe80::ba27:ebff:fe00:2%eth0\n- 2001:db8:1:0:ba27:ebff:fe00:2\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	out.Reset()
	if err := run(context.Background(), Options{Watch: true, JSON: true}, &out, ifaces, noLocal, open); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out.String(), `{"event":"joined","mac":"b8:27:eb:00:00:02"`) || !strings.Contains(out.String(), `{"event":"left"`) {
		t.Errorf("watch JSON:\n%s", out.String())
	}
}

func TestRunErrors(t *testing.T) {
	open := func(*net.Interface, *discover.Options) (scanner, error) { return &fakeScanner{}, nil }
	none := func() ([]net.Interface, error) { return nil, nil }
	if err := run(context.Background(), Options{}, discard{}, none, noLocal, open); !errors.Is(err, ErrNoInterface) {
		t.Errorf("no interfaces: %v", err)
	}
	if err := run(context.Background(), Options{Interface: "wlan9"}, discard{}, ifaces, noLocal, open); err == nil || !strings.Contains(err.Error(), "wlan9") {
		t.Errorf("unknown interface: %v", err)
	}
	if err := run(context.Background(), Options{Timeout: -time.Second}, discard{}, ifaces, noLocal, open); err == nil {
		t.Error("negative timeout accepted")
	}
	failing := func(*net.Interface, *discover.Options) (scanner, error) { return nil, errors.New("permission denied") }
	if err := run(context.Background(), Options{}, discard{}, ifaces, noLocal, failing); err == nil || !strings.Contains(err.Error(), "eth0") {
		t.Errorf("open failure: %v", err)
	}
}

type discard struct{}

func (discard) Write(b []byte) (int, error) { return len(b), nil }

func noLocal() ([]netip.Addr, error) { return nil, nil }

func TestRunHidesLocal(t *testing.T) {
	// A second interface on the same link shows up in the first's scan.
	other := host(net.HardwareAddr{2, 0, 0, 0, 0, 2}, discover.LocallyAdministered, discover.MethodEcho, false, "fe80::2", "2001:db8:1::2")
	pi := host(rpi, "Raspberry Pi Foundation", discover.MethodEcho, false, "fe80::ba27:ebff:fe00:2", "2001:db8:1::77")
	f := &fakeScanner{snaps: []discover.Host{other, pi}}
	local := func() ([]netip.Addr, error) { return []netip.Addr{netip.MustParseAddr("2001:db8:1::77")}, nil }
	var out bytes.Buffer
	err := run(context.Background(), Options{Interface: "eth0", Quiet: true}, &out, ifaces, local,
		func(*net.Interface, *discover.Options) (scanner, error) { return f, nil })
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff("fe80::ba27:ebff:fe00:2%eth0\n", out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// fakeNamer answers for the Pi's global address only, as avahi does for a
// host that has a global address.
type fakeNamer struct{}

func (fakeNamer) Names(_ context.Context, addrs []netip.Addr, _ time.Duration) (map[netip.Addr]string, error) {
	names := map[netip.Addr]string{}
	for _, a := range addrs {
		if a == netip.MustParseAddr("2001:db8:1:0:ba27:ebff:fe00:2") {
			names[a] = "pi.local"
		}
	}
	return names, nil
}

func (fakeNamer) Close() error { return nil }

func fakeNames(*net.Interface) (namer, error) { return fakeNamer{}, nil }

func TestNamesRefusedWithWatch(t *testing.T) {
	err := run(context.Background(), Options{Names: true, Watch: true}, discard{}, ifaces, noLocal, func(*net.Interface, *discover.Options) (scanner, error) {
		return &fakeScanner{}, nil
	})
	if err == nil || !strings.Contains(err.Error(), "-names") {
		t.Fatalf("-names with -watch: err = %v, want a usage error naming -names", err)
	}
}
