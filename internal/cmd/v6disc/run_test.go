package v6disc

import (
	"bytes"
	"context"
	"encoding/json"
	"iter"
	"net"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"

	"github.com/v6kit/v6kit/discover"
	"github.com/v6kit/v6kit/slaac"
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

// Events derives the events of a scan from its snapshots, as discover does.
func (f *fakeScanner) Events(ctx context.Context) iter.Seq2[discover.Event, error] {
	return func(yield func(discover.Event, error) bool) {
		seen := map[string]map[netip.Addr]bool{}
		for _, h := range f.snaps {
			k := h.MAC.String()
			if seen[k] == nil {
				seen[k] = map[netip.Addr]bool{}
				if !yield(discover.Event{Kind: discover.FoundHost, Host: h}, nil) {
					return
				}
			}
			for _, a := range h.Addrs {
				if !seen[k][a.Addr] {
					seen[k][a.Addr] = true
					if !yield(discover.Event{Kind: discover.FoundAddr, Host: h, Addr: a}, nil) {
						return
					}
				}
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
	// Kinds as discover sets them: the MAC and the host's other addresses.
	var all []netip.Addr
	for _, a := range h.Addrs {
		all = append(all, a.Addr)
	}
	for i := range h.Addrs {
		h.Addrs[i].Kind = slaac.Classify(h.Addrs[i].Addr, slaac.Evidence{MAC: mac, Siblings: all})
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
		{"columns", Options{}, `fe80::ba27:ebff:fe00:2%eth0                eui64            b8:27:eb:00:00:02  Raspberry Pi Foundation
2001:db8:1:0:ba27:ebff:fe00:2              eui64            b8:27:eb:00:00:02  Raspberry Pi Foundation
fe80::b5a3:c182:e53b:4a76%eth0             opaque           da:a1:19:00:00:08  locally administered
2001:db8:1:0:d445:50bd:460d:7864           opaque           da:a1:19:00:00:08  locally administered
`},
		{"link-local, quiet", Options{LinkLocal: true, Quiet: true}, "fe80::ba27:ebff:fe00:2%eth0\nfe80::b5a3:c182:e53b:4a76%eth0\n"},
		{"json", Options{JSON: true}, `{"mac":"b8:27:eb:00:00:02","vendor":"Raspberry Pi Foundation","addrs":["fe80::ba27:ebff:fe00:2%eth0","2001:db8:1:0:ba27:ebff:fe00:2"],"kinds":["eui64","eui64"],"methods":["echo","mld"],"router":true}
{"mac":"da:a1:19:00:00:08","vendor":"locally administered","addrs":["fe80::b5a3:c182:e53b:4a76%eth0","2001:db8:1:0:d445:50bd:460d:7864"],"kinds":["opaque","opaque"],"methods":["invalid-dst"],"router":false}
`},
		{"stream", Options{JSON: true, Stream: true}, `{"event":"joined","mac":"b8:27:eb:00:00:02","vendor":"Raspberry Pi Foundation","addrs":["fe80::ba27:ebff:fe00:2%eth0"],"kinds":["eui64"],"methods":["mld"],"router":false}
{"event":"added","mac":"b8:27:eb:00:00:02","vendor":"Raspberry Pi Foundation","addrs":["2001:db8:1:0:ba27:ebff:fe00:2"],"kinds":["eui64"],"methods":["echo","mld"],"router":true}
{"event":"joined","mac":"da:a1:19:00:00:08","vendor":"locally administered","addrs":["fe80::b5a3:c182:e53b:4a76%eth0","2001:db8:1:0:d445:50bd:460d:7864"],"kinds":["opaque","opaque"],"methods":["invalid-dst"],"router":false}
`},
		{"names", Options{Names: true}, `fe80::ba27:ebff:fe00:2%eth0                eui64            b8:27:eb:00:00:02  Raspberry Pi Foundation          pi.local
2001:db8:1:0:ba27:ebff:fe00:2              eui64            b8:27:eb:00:00:02  Raspberry Pi Foundation          pi.local
fe80::b5a3:c182:e53b:4a76%eth0             opaque           da:a1:19:00:00:08  locally administered
2001:db8:1:0:d445:50bd:460d:7864           opaque           da:a1:19:00:00:08  locally administered
`},
		{"names json", Options{Names: true, JSON: true}, `{"mac":"b8:27:eb:00:00:02","vendor":"Raspberry Pi Foundation","addrs":["fe80::ba27:ebff:fe00:2%eth0","2001:db8:1:0:ba27:ebff:fe00:2"],"kinds":["eui64","eui64"],"methods":["echo","mld"],"router":true,"name":"pi.local"}
{"mac":"da:a1:19:00:00:08","vendor":"locally administered","addrs":["fe80::b5a3:c182:e53b:4a76%eth0","2001:db8:1:0:d445:50bd:460d:7864"],"kinds":["opaque","opaque"],"methods":["invalid-dst"],"router":false}
`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var opened []string
			f := &fakeScanner{snaps: snaps}
			var out bytes.Buffer
			d := fakeDeps(f)
			d.open = func(ifi *net.Interface, o *discover.Options) (scanner, error) {
				opened = append(opened, ifi.Name)
				if o.Timeout != time.Second {
					t.Errorf("timeout %v, want the 1s default", o.Timeout)
				}
				return f, nil
			}
			err := run(context.Background(), defaults(tt.o), &out, d)
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
	pi := snaps[1]
	ll := []discover.Addr{pi.Addrs[0]}
	f := &fakeScanner{changes: []discover.Change{
		{Kind: discover.Joined, Host: snaps[0], Addrs: ll},
		{Kind: discover.Added, Host: pi, Addrs: pi.Addrs[1:]},
		{Kind: discover.Removed, Host: pi, Addrs: pi.Addrs[1:]},
		{Kind: discover.Left, Host: pi, Addrs: pi.Addrs[:1]},
	}}
	var out bytes.Buffer
	if err := run(context.Background(), defaults(Options{Watch: true, Quiet: true, Interface: "eth0"}), &out, fakeDeps(f)); err != nil {
		t.Fatal(err)
	}
	// The global address found after the join is reported too.
	want := "+ fe80::ba27:ebff:fe00:2%eth0\n+ 2001:db8:1:0:ba27:ebff:fe00:2\n- 2001:db8:1:0:ba27:ebff:fe00:2\n- fe80::ba27:ebff:fe00:2%eth0\n"
	if diff := cmp.Diff(want, out.String()); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// defaults fills in the flags' defaults.
func defaults(o Options) Options {
	if o.Timeout == 0 {
		o.Timeout = time.Second
	}
	if o.Interval == 0 {
		o.Interval = 10 * time.Second
	}
	return o
}

func fakeDeps(f scanner) deps {
	return deps{
		ifaces:    ifaces,
		local:     noLocal,
		open:      func(*net.Interface, *discover.Options) (scanner, error) { return f, nil },
		openNames: fakeNames,
	}
}

func noLocal() ([]netip.Addr, error) { return nil, nil }

func TestRunHidesLocal(t *testing.T) {
	// A second interface on the same link shows up in the first's scan.
	other := host(net.HardwareAddr{2, 0, 0, 0, 0, 2}, discover.LocallyAdministered, discover.MethodEcho, false, "fe80::2", "2001:db8:1::2")
	pi := host(rpi, "Raspberry Pi Foundation", discover.MethodEcho, false, "fe80::ba27:ebff:fe00:2", "2001:db8:1::77")
	d := fakeDeps(&fakeScanner{snaps: []discover.Host{other, pi}})
	d.local = func() ([]netip.Addr, error) { return []netip.Addr{netip.MustParseAddr("2001:db8:1::77")}, nil }
	var out bytes.Buffer
	if err := run(context.Background(), defaults(Options{Interface: "eth0", Quiet: true}), &out, d); err != nil {
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
