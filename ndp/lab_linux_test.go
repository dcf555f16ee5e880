package ndp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// pair builds two namespaces joined by a veth, each with a static
// link-local address on eth0, and returns them with the MACs.
func pair(t *testing.T, l *lab.Lab) (r, h *lab.Netns) {
	t.Helper()
	r, err := l.Namespace("r")
	if err != nil {
		t.Fatal(err)
	}
	h, err = l.Namespace("h")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(r, "eth0", h, "eth0"); err != nil {
		t.Fatal(err)
	}
	for ns, mac := range map[*lab.Netns]string{r: "02:00:5e:10:00:01", h: "02:00:5e:10:00:02"} {
		hw, _ := net.ParseMAC(mac)
		if err := ns.SetMAC("eth0", hw); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::1")); err != nil {
		t.Fatal(err)
	}
	if err := h.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::2")); err != nil {
		t.Fatal(err)
	}
	return r, h
}

// startRadvd runs radvd on r's eth0 with conf as the interface body.
func startRadvd(t *testing.T, l *lab.Lab, r *lab.Netns, body string) *lab.Daemon {
	t.Helper()
	sdktest.RequireCommands(t, "radvd")
	if err := r.Sysctl("net.ipv6.conf.all.forwarding", "1"); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(l.Dir, "radvd.conf")
	if err := os.WriteFile(conf, []byte("interface eth0 {\n"+body+"\n};\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	pid := filepath.Join(l.Dir, "radvd.pid")
	d, err := r.Start(lab.DaemonSpec{
		Name: "radvd",
		Args: []string{"radvd", "-n", "-C", conf, "-p", pid, "-m", "stderr", "-d", "1"},
		Ready: func(d *lab.Daemon) (bool, error) {
			_, err := os.Stat(pid)
			return err == nil, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func ctxFor(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func TestSolicitRoutersRadvd(t *testing.T) {
	l := labtest.New(t)
	r, h := pair(t, l)
	startRadvd(t, l, r, `
	AdvSendAdvert on;
	MinRtrAdvInterval 3;
	MaxRtrAdvInterval 10;
	AdvManagedFlag on;
	AdvOtherConfigFlag on;
	AdvDefaultPreference high;
	AdvDefaultLifetime 1800;
	AdvLinkMTU 1400;
	prefix 2001:db8:1::/64 { AdvOnLink on; AdvAutonomous on; AdvValidLifetime 86400; AdvPreferredLifetime 14400; };
	prefix fd00:1::/64 { AdvOnLink on; AdvAutonomous off; };
	route 2001:db8:2::/48 { AdvRoutePreference low; AdvRouteLifetime 3600; };
	RDNSS 2001:db8::53 2001:db8::54 { AdvRDNSSLifetime 600; };
	DNSSL example.com lab.example { AdvDNSSLLifetime 600; };`)
	ifi, err := h.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var routers []Router
	err = h.Run(func() error {
		var err error
		// radvd answers a solicitation at most every 3 s (MIN_DELAY_BETWEEN_RAS).
		routers, err = SolicitRouters(ctxFor(t, 30*time.Second), ifi, 4*time.Second)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(routers) != 1 {
		t.Fatalf("got %d routers, want 1: %+v", len(routers), routers)
	}
	got := routers[0]
	if got.Received.IsZero() {
		t.Error("Received not set")
	}
	got.Received = time.Time{}
	mac, _ := net.ParseMAC("02:00:5e:10:00:01")
	want := Router{
		Addr: netip.MustParseAddr("fe80::1"), MAC: mac, HopLimit: 64,
		Managed: true, Other: true, Preference: PreferenceHigh, Lifetime: 1800 * time.Second,
		MTU: 1400,
		Prefixes: []Prefix{
			{Prefix: netip.MustParsePrefix("2001:db8:1::/64"), OnLink: true, Autonomous: true, ValidLifetime: 86400 * time.Second, PreferredLifetime: 14400 * time.Second},
			{Prefix: netip.MustParsePrefix("fd00:1::/64"), OnLink: true, ValidLifetime: 86400 * time.Second, PreferredLifetime: 14400 * time.Second},
		},
		Routes: []Route{{Prefix: netip.MustParsePrefix("2001:db8:2::/48"), Preference: PreferenceLow, Lifetime: time.Hour}},
		RDNSS:  []RDNSS{{Servers: []netip.Addr{netip.MustParseAddr("2001:db8::53"), netip.MustParseAddr("2001:db8::54")}, Lifetime: 600 * time.Second}},
		DNSSL:  []DNSSL{{Domains: []string{"example.com", "lab.example"}, Lifetime: 600 * time.Second}},
	}
	if diff := cmpDiff(want, got); diff != "" {
		t.Errorf("router (-want +got):\n%s", diff)
	}
}

func TestSolicitRoutersNoRouterAndCancel(t *testing.T) {
	l := labtest.New(t)
	_, h := pair(t, l)
	ifi, err := h.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	err = h.Run(func() error {
		routers, err := SolicitRouters(context.Background(), ifi, 200*time.Millisecond)
		if err != nil || len(routers) != 0 {
			return fmt.Errorf("no router: got %v, %v; want none, nil", routers, err)
		}
		ctx, cancel := context.WithCancel(context.Background())
		time.AfterFunc(100*time.Millisecond, cancel)
		start := time.Now()
		_, err = SolicitRouters(ctx, ifi, time.Minute)
		if err != context.Canceled || time.Since(start) > 10*time.Second {
			return fmt.Errorf("cancelled: err %v after %v, want context.Canceled promptly", err, time.Since(start))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestResolveProbeNeighborsWatch(t *testing.T) {
	l := labtest.New(t)
	r, h := pair(t, l)
	if err := r.Sysctl("net.ipv6.conf.all.forwarding", "1"); err != nil { // NA R flag
		t.Fatal(err)
	}
	if err := r.AddAddr("eth0", netip.MustParsePrefix("2001:db8:1::1/64")); err != nil {
		t.Fatal(err)
	}
	ifi, err := h.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	rmac, _ := net.ParseMAC("02:00:5e:10:00:01")
	ctx := ctxFor(t, 60*time.Second)

	// The watcher runs on h while the other probes run.
	var w *Watcher
	if err := h.Run(func() (err error) { w, err = NewWatcher(ifi); return err }); err != nil {
		t.Fatal(err)
	}
	wctx, wcancel := context.WithCancel(ctx)
	sightings := make(chan Sighting, 64)
	done := make(chan error, 1)
	go func() {
		defer close(sightings)
		for s, err := range w.Sightings(wctx) {
			if err != nil {
				done <- err
				return
			}
			sightings <- s
		}
		done <- nil
	}()
	t.Cleanup(func() { wcancel(); <-done; w.Close() })

	err = h.Run(func() error {
		n, err := Resolve(ctx, ifi, netip.MustParseAddr("2001:db8:1::1"), nil)
		if err != nil {
			return err
		}
		if n.MAC.String() != rmac.String() || !n.Router {
			return fmt.Errorf("Resolve = %+v, want MAC %v with router flag", n, rmac)
		}
		start := time.Now()
		_, err = Resolve(ctx, ifi, netip.MustParseAddr("2001:db8:1::77"), &ResolveOptions{Attempts: 2, Interval: 100 * time.Millisecond})
		if !errors.Is(err, ErrNoResponse) || time.Since(start) > 5*time.Second {
			return fmt.Errorf("Resolve(absent) = %v after %v, want ErrNoResponse after ~200ms", err, time.Since(start))
		}
		def, dup, err := ProbeDuplicate(ctx, ifi, netip.MustParseAddr("2001:db8:1::1"), 2*time.Second)
		if err != nil || !dup || def.MAC.String() != rmac.String() {
			return fmt.Errorf("ProbeDuplicate(taken) = %+v, %v, %v; want defended by %v", def, dup, err, rmac)
		}
		_, dup, err = ProbeDuplicate(ctx, ifi, netip.MustParseAddr("2001:db8:1::78"), 300*time.Millisecond)
		if err != nil || dup {
			return fmt.Errorf("ProbeDuplicate(free) = %v, %v; want false, nil", dup, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// The kernel fills its cache when h talks to r.
	if err := h.AddAddr("eth0", netip.MustParsePrefix("2001:db8:1::2/64")); err != nil {
		t.Fatal(err)
	}
	err = h.Run(func() error {
		c, err := net.Dial("udp6", "[2001:db8:1::1]:9")
		if err != nil {
			return err
		}
		defer c.Close()
		_, err = c.Write([]byte("fill the neighbour cache"))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var ns []Neighbor
	err = lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		err := h.Run(func() (err error) { ns, err = Neighbors(ifi, StatesUsable); return err })
		for _, n := range ns {
			if n.Addr == netip.MustParseAddr("2001:db8:1::1") && n.MAC.String() == rmac.String() {
				return true, err
			}
		}
		return false, err
	})
	if err != nil {
		t.Fatalf("Neighbors never listed 2001:db8:1::1 at %v: %v (last %+v)", rmac, err, ns)
	}
	for _, n := range ns {
		if n.Addr == netip.MustParseAddr("fe80::2") || n.Addr == netip.MustParseAddr("2001:db8:1::2") || n.State&StatesUsable == 0 {
			t.Errorf("Neighbors lists our own address or an unusable entry: %+v", n)
		}
	}
	// r answered our NS and DAD probe with NAs: the watcher saw them.
	timeout := time.After(10 * time.Second)
	for {
		select {
		case s, ok := <-sightings:
			if !ok {
				t.Fatalf("watcher ended early: %v", <-done)
			}
			if s.Kind == SawNA && s.Addr == netip.MustParseAddr("2001:db8:1::1") && s.MAC.String() == rmac.String() && s.Router {
				return
			}
		case <-timeout:
			t.Fatal("watcher never reported r's NA")
		}
	}
}
