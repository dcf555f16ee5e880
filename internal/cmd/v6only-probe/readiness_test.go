package v6onlyprobe

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/v6kit/v6kit/nat64"
	"github.com/v6kit/v6kit/ndp"
)

var nsp = netip.MustParsePrefix("2001:db8:64::/96")

func ra(pref64 netip.Prefix, life, rtrLife time.Duration, rdnss bool) ndp.Router {
	r := ndp.Router{Addr: netip.MustParseAddr("fe80::1"), Lifetime: rtrLife, Received: time.Now()}
	if pref64.IsValid() {
		r.PREF64 = []ndp.PREF64{{Prefix: pref64, Lifetime: life}}
	}
	if rdnss {
		r.RDNSS = []ndp.RDNSS{{Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:1::1")}, Lifetime: time.Hour}}
	}
	return r
}

// probeJSON runs the probe with o (JSON set) and returns its report.
func probeJSON(t *testing.T, ctx context.Context, o Options) Report {
	t.Helper()
	var out bytes.Buffer
	if err := Run(ctx, o, &out); err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%q: %v", out.String(), err)
	}
	return rep
}

// TestReadinessLines: each broken piece turns exactly its line ✘ (or
// skips the lines that depend on it), with the fix that belongs to it.
func TestReadinessLines(t *testing.T) {
	const hour = time.Hour
	tests := []struct {
		name string
		ra   ndp.Router
		net  fakeNet
		want map[string]Check // only the lines that are not ✔
	}{
		{name: "ready", ra: ra(nsp, 1800*time.Second, 1800*time.Second, true), net: fakeNet{dns64: nsp, up: true}, want: map[string]Check{}},
		{name: "DNS64 prefix differs from PREF64", ra: ra(nsp, 1800*time.Second, 1800*time.Second, true), net: fakeNet{dns64: nat64.WellKnownPrefix, up: true},
			want: map[string]Check{
				"rfc7050": {Text: "DNS64 synthesises with 64:ff9b::/96 via [2001:db8:1:1::1]:53, the RAs announce PREF64 2001:db8:64::/96", Fix: fixAgree},
				"dns64":   {Text: "DNS64 prefix differs from the announced prefix: a-only.example synthesised under [64:ff9b::/96], not under 2001:db8:64::/96 (pref64)", Fix: fixAgree},
			}},
		{name: "NAT64 down while DNS64 synthesises", ra: ra(nsp, 1800*time.Second, 1800*time.Second, true), net: fakeNet{dns64: nsp},
			want: map[string]Check{
				"nat64": {Text: "198.51.100.2:80 through 2001:db8:64::c633:6402: ping 2001:db8:64::c633:6402: no echo reply: context deadline exceeded; connect [2001:db8:64::c633:6402]:80: context deadline exceeded", Fix: fixNAT64},
			}},
		{name: "no RDNSS", ra: ra(nsp, 1800*time.Second, 1800*time.Second, false), net: fakeNet{dns64: nsp, up: true},
			want: map[string]Check{
				"rdnss":   {Text: "none in the router advertisements: IPv6-only clients have no DNS64 to ask", Fix: fixRDNSS},
				"rfc7050": {Skipped: true, Text: "not checked: no DNS server (no RDNSS; give -dns)"},
				"dns64":   {Skipped: true, Text: "not checked: no DNS server or no -name"},
				"nat64":   {Skipped: true, Text: "not checked: no IPv4 target (give -target, or a -name that resolves)"},
			}},
		{name: "PREF64 lifetime shorter than the router lifetime", ra: ra(nsp, 16*time.Second, 1800*time.Second, true), net: fakeNet{dns64: nsp, up: true},
			want: map[string]Check{
				"pref64": {Text: "2001:db8:64::/96, lifetime 16 s shorter than the router lifetime 1800 s: clients lose the prefix between RAs", Fix: fixLifetime},
			}},
		{name: "no PREF64: clients fall back to RFC 7050", ra: ra(netip.Prefix{}, 0, hour, true), net: fakeNet{dns64: nsp, up: true},
			want: map[string]Check{
				"pref64": {Text: "none in the router advertisements", Fix: fixPREF64},
			}},
		{name: "no DNS64", ra: ra(nsp, 1800*time.Second, 1800*time.Second, true), net: fakeNet{up: true},
			want: map[string]Check{
				"rfc7050": {Text: "ipv4only.arpa via [2001:db8:1:1::1]:53: no DNS64: no AAAA records synthesised for ipv4only.arpa.", Fix: fixDNS64},
				"dns64":   {Text: "no DNS64: no AAAA records synthesised for a-only.example (A [198.51.100.2])", Fix: fixDNS64},
			}},
	}
	for _, tt := range tests {
		// On a fake clock: the dead NAT64's timeouts take no time.
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				o := Options{JSON: true, Client: &fakeClient{offer: offer(t, []byte{0, 0, 7, 8})}, Routers: routers(tt.ra), Name: "a-only.example", Port: 80}
				tt.net.apply(&o)
				ctx := context.Background()
				rep := probeJSON(t, ctx, o)
				if len(rep.Checks) != 6 {
					t.Fatalf("%d checks: %+v", len(rep.Checks), rep.Checks)
				}
				for _, c := range rep.Checks {
					want, bad := tt.want[c.Name]
					if !bad {
						if !c.OK {
							t.Errorf("%s ✘: %s", c.Name, c.Text)
						}
						continue
					}
					want.Name = c.Name
					if c != want {
						t.Errorf("%s line:\n got %+v\nwant %+v", c.Name, c, want)
					}
				}
				if rep.AllOK != (len(tt.want) == 0) {
					t.Errorf("all_ok = %v", rep.AllOK)
				}
			})
		})
	}
}

// TestDeadRDNSSPassedOver: the first RDNSS does not answer, the second
// does. The probe goes on with the second, as a client would after its
// timeout, and says the first is dead.
func TestDeadRDNSSPassedOver(t *testing.T) {
	dead, alive := netip.MustParseAddr("2001:db8:1:1::dead"), netip.MustParseAddr("2001:db8:1:1::1")
	tests := []struct {
		name       string
		rdnss      []netip.Addr
		dead       []netip.Addr
		wantServer string
		wantDead   []string
		wantChecks map[string]bool // check name → ok, for the lines asserted
	}{
		{name: "first dead", rdnss: []netip.Addr{dead, alive}, dead: []netip.Addr{dead},
			wantServer: "[2001:db8:1:1::1]:53", wantDead: []string{"2001:db8:1:1::dead"},
			wantChecks: map[string]bool{"rdnss": false, "rfc7050": true, "dns64": true, "nat64": true}},
		{name: "last dead", rdnss: []netip.Addr{alive, dead}, dead: []netip.Addr{dead},
			wantServer: "[2001:db8:1:1::1]:53", wantDead: []string{"2001:db8:1:1::dead"},
			wantChecks: map[string]bool{"rdnss": false, "rfc7050": true, "dns64": true}},
		{name: "all dead", rdnss: []netip.Addr{dead, alive}, dead: []netip.Addr{dead, alive},
			wantServer: "[2001:db8:1:1::dead]:53", wantDead: []string{"2001:db8:1:1::dead", "2001:db8:1:1::1"},
			wantChecks: map[string]bool{"rdnss": false, "rfc7050": false}},
		{name: "none dead", rdnss: []netip.Addr{alive, dead},
			wantServer: "[2001:db8:1:1::1]:53", wantDead: []string{},
			wantChecks: map[string]bool{"rdnss": true, "rfc7050": true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				r := ra(nsp, 1800*time.Second, 1800*time.Second, true)
				r.RDNSS = []ndp.RDNSS{{Servers: tt.rdnss, Lifetime: time.Hour}}
				o := Options{JSON: true, Client: &fakeClient{offer: offer(t, []byte{0, 0, 7, 8})}, Routers: routers(r), Name: "a-only.example", Port: 80}
				f := &fakeNet{dns64: nsp, up: true, dead: tt.dead}
				f.apply(&o)
				rep := probeJSON(t, context.Background(), o)
				if rep.DNSServer != tt.wantServer {
					t.Errorf("dns_server = %q, want %q", rep.DNSServer, tt.wantServer)
				}
				if !slices.Equal(rep.RDNSSUnanswered, tt.wantDead) {
					t.Errorf("rdnss_unanswered = %q, want %q", rep.RDNSSUnanswered, tt.wantDead)
				}
				for _, c := range rep.Checks {
					ok, asserted := tt.wantChecks[c.Name]
					if asserted && c.OK != ok {
						t.Errorf("%s ok = %v, want %v: %s", c.Name, c.OK, ok, c.Text)
					}
					if c.Name == "rdnss" && !ok && len(tt.wantDead) > 0 && (!strings.Contains(c.Text, "no answer from "+tt.wantDead[0]) || c.Fix != fixDeadRDNSS) {
						t.Errorf("rdnss line %q (fix %q) does not name the dead server %s and its fix", c.Text, c.Fix, tt.wantDead[0])
					}
				}
				// Every server asked, in the RAs' order, each dead one
				// given checkTimeout before the next (as a client does).
				for i, s := range tt.rdnss {
					if f.asked[i].Addr() != s {
						t.Errorf("query %d went to %s, want %s (the RAs' order)", i, f.asked[i], s)
					}
				}
				for i := 1; i < len(tt.rdnss); i++ {
					gap := f.askedAt[i].Sub(f.askedAt[i-1])
					if wait := slices.Contains(tt.dead, tt.rdnss[i-1]); wait != (gap == checkTimeout) {
						t.Errorf("server %s asked %v after %s (dead: %v), want %v", tt.rdnss[i], gap, tt.rdnss[i-1], wait, checkTimeout)
					}
				}
			})
		})
	}
}

// TestDeadDNSServer: a -dns that does not answer is not "no DNS64": the
// RFC 7050 and DNS64 lines say the server did not answer and give the fix
// for that. A link-local -dns without a zone is asked on the probed link.
func TestDeadDNSServer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dead := netip.MustParseAddr("fe80::53")
		o := Options{JSON: true, Client: &fakeClient{offer: offer(t, []byte{0, 0, 7, 8})}, Routers: routers(ra(nsp, 1800*time.Second, 1800*time.Second, true)),
			Name: "a-only.example", Port: 80, DNS: netip.AddrPortFrom(dead, 53), ifIndex: 7}
		f := &fakeNet{dns64: nsp, up: true, dead: []netip.Addr{dead.WithZone("7")}}
		f.apply(&o)
		rep := probeJSON(t, context.Background(), o)
		if len(f.asked) == 0 || f.asked[0] != netip.MustParseAddrPort("[fe80::53%7]:53") {
			t.Errorf("asked %v, want [fe80::53%%7]:53 first (the probed link's zone)", f.asked)
		}
		if len(rep.RDNSSUnanswered) != 0 {
			t.Errorf("rdnss_unanswered = %q: the RDNSS were not asked (-dns)", rep.RDNSSUnanswered)
		}
		for _, c := range rep.Checks {
			if (c.Name == "rfc7050" || c.Name == "dns64") && (c.OK || c.Fix != fixResolver) {
				t.Errorf("%s line %+v, want ✘ with the fix for a server that does not answer", c.Name, c)
			}
		}
	})
}

// TestClampedWaitIsReported: V6ONLY_WAIT 0 works, as 300 s; the line says
// so.
func TestClampedWaitIsReported(t *testing.T) {
	o := Options{JSON: true, Client: &fakeClient{offer: offer(t, []byte{0, 0, 0, 0})}, Routers: routers(ra(nsp, 1800*time.Second, 1800*time.Second, true)), Name: "a-only.example"}
	(&fakeNet{dns64: nsp, up: true}).apply(&o)
	var out bytes.Buffer
	if err := Run(context.Background(), o, &out); err != nil {
		t.Fatal(err)
	}
	var rep Report
	_ = json.Unmarshal(out.Bytes(), &rep)
	if c := rep.Checks[0]; !c.OK || c.Text != "V6ONLY_WAIT 0 s, clamped to 300 s (MIN_V6ONLY_WAIT, RFC 8925)" {
		t.Errorf("option 108 line %+v", c)
	}
}

// TestWithdrawnRAOptionsIgnored: a router that stops sends its DNS servers
// and PREF64 with lifetime 0 (ndp.Advertiser, radvd's FlushRDNSS); the
// probe must not report them, nor ask the withdrawn resolver.
func TestWithdrawnRAOptionsIgnored(t *testing.T) {
	live := ndp.Router{
		RDNSS:  []ndp.RDNSS{{Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:1::53")}, Lifetime: time.Hour}},
		PREF64: []ndp.PREF64{{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 30 * time.Minute}},
	}
	gone := ndp.Router{
		RDNSS:  []ndp.RDNSS{{Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:1::dead")}}},
		PREF64: []ndp.PREF64{{Prefix: netip.MustParsePrefix("2001:db8:64::/96")}},
	}
	rep := noOffer([]ndp.Router{live, gone})
	if !slices.Equal(rep.RDNSS, []string{"2001:db8:1:1::53"}) || !slices.Equal(rep.PREF64, []string{"64:ff9b::/96"}) {
		t.Errorf("RDNSS %v, PREF64 %v: want only the live ones", rep.RDNSS, rep.PREF64)
	}
	if rep := noOffer([]ndp.Router{gone}); len(rep.RDNSS) != 0 || len(rep.PREF64) != 0 {
		t.Errorf("only withdrawn options: RDNSS %v, PREF64 %v, want none", rep.RDNSS, rep.PREF64)
	}
}
