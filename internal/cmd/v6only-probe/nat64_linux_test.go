package v6onlyprobe

import (
	"context"
	"encoding/json"
	"net/netip"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/nat64"
	"github.com/v6kit/v6kit/ndp"
)

// TestReadinessAgainstUnboundAndTayga runs the program on an IPv6-only
// client whose router advertises with v6kit's advertiser and runs Debian's
// unbound (DNS64) and tayga (NAT64) toward an IPv4-only server: the happy
// path, then each way the network breaks, flagged on its own line. No
// DHCPv4 server runs, so the option 108 line is ✘ throughout.
func TestReadinessAgainstUnboundAndTayga(t *testing.T) {
	ra := func(pref64 netip.Prefix, rdnss bool, maxInterval, routerLifetime time.Duration) *ndp.AdvertiserConfig {
		c := &ndp.AdvertiserConfig{MaxInterval: maxInterval, RouterLifetime: routerLifetime, PREF64: pref64,
			Prefixes: []ndp.AdvertisedPrefix{{Prefix: netip.MustParsePrefix("2001:db8:1:1::/64"), OnLink: true}}}
		if rdnss {
			c.RDNSS = []netip.Addr{labtest.NAT64RouterAddr}
		}
		return c
	}
	wkp := nat64.WellKnownPrefix
	deadFirst := ra(nsp, true, 4*time.Second, 0)
	deadFirst.RDNSS = []netip.Addr{netip.MustParseAddr("2001:db8:1:1::dead"), labtest.NAT64RouterAddr} // no host has ::dead
	tests := []struct {
		name string
		o    labtest.NAT64Options
		ra   *ndp.AdvertiserConfig // what the router advertises on the LAN
		stop bool                  // stop tayga before the probe
		bad  map[string]string     // check → the start of its ✘ text
	}{
		{name: "ready", o: labtest.NAT64Options{DNS64Prefix: nsp, NAT64Prefix: nsp}, ra: ra(nsp, true, 4*time.Second, 0)},
		{name: "DNS64 prefix differs from PREF64", o: labtest.NAT64Options{DNS64Prefix: wkp, NAT64Prefix: nsp}, ra: ra(nsp, true, 4*time.Second, 0),
			bad: map[string]string{"rfc7050": "DNS64 synthesises with 64:ff9b::/96 via [2001:db8:1:1::1]:53, the RAs announce PREF64 2001:db8:64::/96",
				"dns64": "DNS64 prefix differs from the announced prefix: a-only.example. synthesised under [64:ff9b::/96], not under 2001:db8:64::/96 (pref64)"}},
		{name: "NAT64 down while DNS64 synthesises", o: labtest.NAT64Options{DNS64Prefix: nsp, NAT64Prefix: nsp}, ra: ra(nsp, true, 4*time.Second, 0), stop: true,
			bad: map[string]string{"nat64": "198.51.100.2:80 through 2001:db8:64::c633:6402: ping 2001:db8:64::c633:6402: no echo reply"}},
		{name: "no RDNSS", o: labtest.NAT64Options{DNS64Prefix: nsp, NAT64Prefix: nsp}, ra: ra(nsp, false, 4*time.Second, 0),
			bad: map[string]string{"rdnss": "none in the router advertisements", "rfc7050": "not checked", "dns64": "not checked", "nat64": "not checked"}},
		{name: "PREF64 lifetime shorter than the router lifetime", o: labtest.NAT64Options{DNS64Prefix: nsp, NAT64Prefix: nsp}, ra: ra(nsp, true, 4*time.Second, 1800*time.Second),
			bad: map[string]string{"pref64": "2001:db8:64::/96, lifetime 16 s shorter than the router lifetime 1800 s"}},
		// The first RDNSS is dead: the probe goes on with unbound, the
		// second, and says so; everything else passes.
		{name: "first RDNSS dead", o: labtest.NAT64Options{DNS64Prefix: nsp, NAT64Prefix: nsp}, ra: deadFirst,
			bad: map[string]string{"rdnss": "2001:db8:1:1::dead, 2001:db8:1:1::1; no answer from 2001:db8:1:1::dead: "}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := labtest.New(t)
			n := labtest.NAT64(t, l, tt.o)
			advertise(t, n.Router, tt.ra)
			if tt.stop {
				if err := n.Tayga.Stop(); err != nil {
					t.Fatal(err)
				}
			}
			var r clitest.Result
			// A router answers a solicitation at most every 3 s (RFC 4861
			// MIN_DELAY_BETWEEN_RAS) and, with MaxInterval 4 s, sends one
			// unsolicited every 3 to 4 s: collect RAs for 6 s.
			args := []string{"-i", "eth0", "-json", "-timeout", "6s", "-ra-wait", "6s", "-name", labtest.NAT64AOnlyName, "-port", "80"}
			for try := 0; try < 2; try++ {
				if err := n.Client.Run(func() error {
					r = clitest.Run(t, Command, args...)
					return nil
				}); err != nil {
					t.Fatal(err)
				}
				// On a loaded machine nclient4's raw send of the DISCOVER
				// has failed once with ENOBUFS: that is not what this test
				// is about, so it tries once more.
				if !strings.Contains(r.Stderr, "no buffer space available") {
					break
				}
				t.Logf("try %d: %s", try+1, r.Stderr)
			}
			var rep Report
			if r.Status != 0 || json.Unmarshal([]byte(r.Stdout), &rep) != nil {
				t.Fatalf("v6only-probe %q: status %d, stderr %q, stdout %q", args, r.Status, r.Stderr, r.Stdout)
			}
			for _, c := range rep.Checks {
				want, bad := tt.bad[c.Name]
				switch {
				case c.Name == "option108":
					// No DHCPv4 server here.
				case !bad && !c.OK:
					t.Errorf("%s ✘ %s", c.Name, c.Text)
				case bad && (c.OK || !strings.HasPrefix(c.Text, want)):
					t.Errorf("%s line %+v, want ✘ %q…", c.Name, c, want)
				default:
					t.Logf("%s ok=%v %s", c.Name, c.OK, c.Text)
				}
			}
		})
	}
}

// advertise runs v6kit's advertiser with cfg on router's eth0 until the
// test ends. (It lives here, not in labtest: labtest must not import ndp,
// whose own tests use labtest.)
func advertise(t *testing.T, router *lab.Netns, cfg *ndp.AdvertiserConfig) {
	t.Helper()
	ifi, err := router.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var adv *ndp.Advertiser
	if err := router.Run(func() error {
		var err error
		adv, err = ndp.NewAdvertiser(ifi, *cfg)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- adv.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done; adv.Close() })
}
