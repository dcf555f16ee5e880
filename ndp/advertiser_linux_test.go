package ndp

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// advLab is a router and a host on one veth link, the router running our
// Advertiser.
type advLab struct {
	l            *lab.Lab
	router, host *lab.Netns
	adv          *Advertiser
}

var hostMAC = net.HardwareAddr{0xb8, 0x27, 0xeb, 0x5a, 0x11, 0x0c}

func startAdvLab(t *testing.T, cfg AdvertiserConfig) *advLab {
	t.Helper()
	l := labtest.New(t)
	al := &advLab{l: l}
	var err error
	if al.router, err = l.Namespace("rtr"); err != nil {
		t.Fatal(err)
	}
	if al.host, err = l.Namespace("host"); err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(al.router, "eth0", al.host, "eth0"); err != nil {
		t.Fatal(err)
	}
	if err := al.router.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::1")); err != nil {
		t.Fatal(err)
	}
	h := al.host
	if err := h.SetMAC("eth0", hostMAC); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"accept_dad":                 "0", // addresses usable at once
		"accept_ra_rt_info_max_plen": "64",
		"accept_ra_pinfo":            "1",
	} {
		if err := h.Sysctl("net.ipv6.conf.eth0."+k, v); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.Up("eth0"); err != nil {
		t.Fatal(err)
	}
	// The host can send (a solicitation, say) once its link-local exists.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = lab.WaitFor(ctx, 10*time.Millisecond, func() (bool, error) {
		addrs, err := h.Addrs("eth0", "inet6")
		for _, a := range addrs {
			if a.Scope == "link" && !a.Has("tentative") {
				return true, err
			}
		}
		return false, err
	})
	if err != nil {
		t.Fatalf("host link-local never formed: %v", err)
	}

	ifi, err := al.router.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	err = al.router.Run(func() error {
		al.adv, err = NewAdvertiser(ifi, cfg)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	sctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- al.adv.Run(sctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
		if err := al.adv.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return al
}

func labConfig() AdvertiserConfig {
	return AdvertiserConfig{
		MaxInterval: 30 * time.Second,
		Preference:  mdndp.High,
		Prefixes: []AdvertisedPrefix{
			{Prefix: netip.MustParsePrefix("2001:db8:1:1::/64"), OnLink: true, Autonomous: true, ValidLifetime: 2 * time.Hour, PreferredLifetime: time.Hour},
			{Prefix: netip.MustParsePrefix("fd00:db8:1:1::/64"), OnLink: true, Autonomous: true},
		},
		Routes: []AdvertisedRoute{{Prefix: netip.MustParsePrefix("2001:db8:ff00::/48"), Preference: mdndp.Low, Lifetime: time.Hour}},
		MTU:    1480,
		RDNSS:  []netip.Addr{netip.MustParseAddr("2001:db8:1:1::1")},
		DNSSL:  []string{"home.arpa"},
		PREF64: netip.MustParsePrefix("64:ff9b::/96"),
	}
}

func TestAdvertiserKernelHostAutoconfigures(t *testing.T) {
	al := startAdvLab(t, labConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()

	// The kernel forms an EUI-64 address in each autonomous prefix.
	want := []netip.Addr{
		netip.MustParseAddr("2001:db8:1:1:ba27:ebff:fe5a:110c"),
		netip.MustParseAddr("fd00:db8:1:1:ba27:ebff:fe5a:110c"),
	}
	var addrs []lab.Addr
	err := lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		var err error
		addrs, err = al.host.Addrs("eth0", "inet6")
		if err != nil {
			return false, err
		}
		found := 0
		for _, w := range want {
			for _, a := range addrs {
				if a.Prefix.Addr() == w && a.Prefix.Bits() == 64 {
					found++
				}
			}
		}
		return found == len(want), nil
	})
	if err != nil {
		t.Fatalf("host never formed %v from our RAs: %v; has %+v; advertiser %+v", want, err, addrs, al.adv.Stats())
	}

	// The default route points at our link-local with our preference
	// and lifetime; the route information option became a route too.
	var routes string
	err = lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		out, err := al.host.Output(ctx, "ip", "-6", "route", "show")
		routes = string(out)
		return strings.Contains(routes, "2001:db8:ff00::/48"), err
	})
	if err != nil {
		t.Fatalf("route information never installed: %v\n%s", err, routes)
	}
	var def, rinfo string
	for _, line := range strings.Split(routes, "\n") {
		switch {
		case strings.HasPrefix(line, "default"):
			def = line
		case strings.HasPrefix(line, "2001:db8:ff00::/48"):
			rinfo = line
		}
	}
	for _, w := range []string{"via fe80::1", "proto ra", "pref high"} {
		if !strings.Contains(def, w) {
			t.Errorf("default route %q lacks %q", def, w)
		}
	}
	// Router lifetime 3 × MaxInterval = 90 s, minus the seconds passed
	// (none, when the route is read within the RA's second).
	if m := regexp.MustCompile(`expires (\d+)sec`).FindStringSubmatch(def); m == nil {
		t.Errorf("default route %q has no expiry", def)
	} else if secs, _ := strconv.Atoi(m[1]); secs < 60 || secs > 90 {
		t.Errorf("default route %q expires in %d s, want about 90 s (our router lifetime)", def, secs)
	}
	if !strings.Contains(rinfo, "via fe80::1") || !strings.Contains(rinfo, "pref low") {
		t.Errorf("route information route %q, want via fe80::1 pref low", rinfo)
	}
	// The MTU option took effect.
	mtu, err := al.host.ReadSysctl("net.ipv6.conf.eth0.mtu")
	if err != nil || mtu != "1480" {
		t.Errorf("host eth0 IPv6 MTU = %q (%v), want 1480 from the MTU option", mtu, err)
	}
}

func TestAdvertiserRdisc6SeesEveryOption(t *testing.T) {
	sdktest.RequireCommands(t, "rdisc6")
	al := startAdvLab(t, labConfig())
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// rdisc6 solicits and prints the first RA it gets, decoded.
	out, err := al.host.Output(ctx, "rdisc6", "-1", "-r", "5", "-w", "4000", "eth0")
	if err != nil {
		t.Fatalf("rdisc6: %v\n%s", err, out)
	}
	text := string(out)
	routerIf, err := al.router.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"Router preference         :         high",
		"Router lifetime           :           90 (0x0000005a) seconds",
		"MTU                      :         1480 bytes (valid)",
		"Prefix                   : 2001:db8:1:1::/64",
		"Prefix                   : fd00:db8:1:1::/64",
		"Route                    : 2001:db8:ff00::/48",
		"Recursive DNS server     : 2001:db8:1:1::1",
		"DNS search list          : home.arpa",
		"Source link-layer address: " + strings.ToUpper(routerIf.HardwareAddr.String()),
		"Valid time              :         7200 (0x00001c20) seconds",
		"Route preference        :          low",
		"from fe80::1",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("rdisc6 output lacks %q", want)
		}
	}
	if t.Failed() {
		t.Logf("rdisc6 printed:\n%s", text)
	}
	// rdisc6 (ndisc6 1.0.7) does not decode PREF64 (RFC 8781); read the
	// RA as a host receives it and check that option ourselves.
	hostIf, err := al.host.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var pref64 *mdndp.PREF64
	err = al.host.Run(func() error {
		hostIf.Name = strconv.Itoa(hostIf.Index) // see NewAdvertiser
		c, _, err := mdndp.Listen(hostIf, mdndp.LinkLocal)
		if err != nil {
			return err
		}
		defer c.Close()
		if err := c.WriteTo(&mdndp.RouterSolicitation{}, nil, allRouters); err != nil {
			return err
		}
		c.SetReadDeadline(time.Now().Add(20 * time.Second))
		for pref64 == nil {
			m, _, _, err := c.ReadFrom()
			if err != nil {
				return err
			}
			if ra, ok := m.(*mdndp.RouterAdvertisement); ok {
				for _, o := range ra.Options {
					if p, ok := o.(*mdndp.PREF64); ok {
						pref64 = p
					}
				}
				if pref64 == nil {
					return errors.New("RA without PREF64")
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatalf("reading an RA on the host: %v", err)
	}
	if pref64.Prefix != netip.MustParsePrefix("64:ff9b::/96") || pref64.Lifetime != 96*time.Second {
		t.Errorf("PREF64 = %v %v, want 64:ff9b::/96 for 96s (90 s rounded up to 8 s)", pref64.Prefix, pref64.Lifetime)
	}
	if s := al.adv.Stats(); s.Solicited == 0 {
		t.Errorf("advertiser counted no solicitation from rdisc6: %+v", s)
	}
}

// TestNewAdvertiserNoLinkLocal: an interface without a link-local address
// gets an error that names it by name and says what to do, not the
// internals ("address \"linklocal\" not found on interface \"3\"").
func TestNewAdvertiserNoLinkLocal(t *testing.T) {
	l := labtest.New(t)
	a, _ := labtest.Pair(t, l, "a", "b")
	if err := a.IP("link", "add", "d0", "type", "veth", "peer", "name", "d1"); err != nil {
		t.Fatal(err)
	}
	if err := a.Sysctl("net.ipv6.conf.d0.addr_gen_mode", "1"); err != nil { // no link-local
		t.Fatal(err)
	}
	if err := a.Up("d0", "d1"); err != nil {
		t.Fatal(err)
	}
	ifi, err := a.Interface("d0")
	if err != nil {
		t.Fatal(err)
	}
	err = a.Run(func() error {
		adv, err := NewAdvertiser(ifi, AdvertiserConfig{})
		if err == nil {
			adv.Close()
		}
		return err
	})
	want := `ndp: advertiser on interface "d0": no usable link-local address (RFC 4861 6.1.2 needs one); wait for DAD or add one`
	if err == nil || err.Error() != want {
		t.Errorf("NewAdvertiser on an interface without link-local: %v\nwant %s", err, want)
	}
}
