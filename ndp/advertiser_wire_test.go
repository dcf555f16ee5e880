package ndp

import (
	"bytes"
	"fmt"
	"maps"
	"net"
	"net/netip"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	mdndp "github.com/mdlayher/ndp"

	"github.com/v6kit/v6kit/internal/sdktest"
	"github.com/v6kit/v6kit/internal/v6frame"
)

// extremeConfigs are valid advertiser configurations at the edges of what
// AdvertiserConfig accepts: every option at its limits.
func extremeConfigs(t *testing.T) map[string]AdvertiserConfig {
	p := netip.MustParsePrefix
	label := strings.Repeat("a", 63)
	long := label + "." + label + "." + label + "." + strings.Repeat("b", 20) // 212 bytes: a DNSSL option of 248
	base := AdvertiserConfig{
		MinInterval: 3 * time.Second, MaxInterval: 1800 * time.Second, RouterLifetime: 9000 * time.Second,
		Preference: PreferenceHigh, Managed: true, Other: true, CurHopLimit: 255,
		ReachableTime: maxReachableTime, RetransTimer: maxRetransTimer, MTU: 1280,
		Prefixes: []AdvertisedPrefix{
			{Prefix: p("2001:db8:1:1::/64"), OnLink: true, Autonomous: true, ValidLifetime: mdndp.Infinity, PreferredLifetime: mdndp.Infinity},
			{Prefix: p("fd00:db8::/64"), OnLink: true, Autonomous: true, ValidLifetime: time.Second, PreferredLifetime: time.Second},
			{Prefix: p("::/0"), OnLink: true},
			{Prefix: p("2001:db8:ffff::1/128"), OnLink: true, ValidLifetime: mdndp.Infinity},
			{Prefix: p("2001:db8:dead::/64"), OnLink: true, Autonomous: true, Withdraw: true}, // lifetimes 0
		},
		Routes: []AdvertisedRoute{
			{Prefix: p("::/0"), Preference: PreferenceLow, Lifetime: mdndp.Infinity},
			{Prefix: p("2001:db8::/32"), Preference: PreferenceHigh, Lifetime: 0},
			{Prefix: p("2001:db8:1::/64"), Lifetime: time.Second},
			{Prefix: p("2001:db8:1:0:8000::/65"), Lifetime: time.Hour},
			{Prefix: p("2001:db8:1::1/128"), Lifetime: time.Hour},
		},
		RDNSS:       []netip.Addr{netip.MustParseAddr("2001:db8::53"), netip.MustParseAddr("fe80::53")},
		DNSSL:       []string{long, "home.arpa", "a.b"}, // 248 bytes: the most one option holds
		DNSLifetime: mdndp.Infinity,
	}
	cfgs := map[string]AdvertiserConfig{"a extremes": base, "minimal": {MaxInterval: 4 * time.Second, NotDefault: true, NoSourceLinkLayer: true}}
	for _, bits := range []int{96, 64, 56, 48, 40, 32} {
		c := base
		c.PREF64 = netip.PrefixFrom(netip.MustParseAddr("64:ff9b::"), bits)
		cfgs[fmt.Sprintf("pref64 /%d", bits)] = c
	}
	// Route information at every prefix length.
	routes := AdvertiserConfig{MaxInterval: 4 * time.Second}
	for bits := 0; bits <= 128; bits++ {
		routes.Routes = append(routes.Routes, AdvertisedRoute{Prefix: netip.PrefixFrom(netip.MustParseAddr("2001:db8:ffff:ffff:ffff:ffff:ffff:ffff"), bits).Masked(), Lifetime: time.Duration(bits) * time.Second})
		if _, err := routes.withDefaults(); err != nil { // full: start another RA
			cfgs[fmt.Sprintf("routes to /%d", bits-1)] = AdvertiserConfig{MaxInterval: 4 * time.Second, Routes: routes.Routes[:len(routes.Routes)-1]}
			routes.Routes = routes.Routes[len(routes.Routes)-1:]
		}
	}
	cfgs["routes to /128"] = routes
	// As many RDNSS servers as fit one packet; one more does not.
	rdnss := AdvertiserConfig{MaxInterval: 4 * time.Second}
	for i := 1; ; i++ {
		rdnss.RDNSS = append(rdnss.RDNSS, netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 14: byte(i >> 8), 15: byte(i)}))
		if _, err := rdnss.withDefaults(); err != nil {
			rdnss.RDNSS = rdnss.RDNSS[:i-1]
			break
		}
	}
	if n := len(rdnss.RDNSS); n != MaxRDNSS {
		t.Fatalf("%d RDNSS servers fit, want MaxRDNSS = %d", n, MaxRDNSS)
	}
	cfgs["most RDNSS"] = rdnss
	return cfgs
}

// TestNoMalformedRA builds every RA the Advertiser can send (each extreme
// configuration, the regular RA and the final one with router lifetime 0)
// and decodes each with two independent decoders: mdlayher/ndp's parser and
// tshark's ICMPv6 dissector, asserting no malformed packet or expert
// warning, and that tshark reads what was configured.
func TestNoMalformedRA(t *testing.T) {
	sdktest.Tshark(t)
	mac := net.HardwareAddr{0x02, 0, 0x5e, 0x10, 0, 1}
	type sent struct {
		name  string
		cfg   AdvertiserConfig
		ra    *mdndp.RouterAdvertisement
		final bool // the RA sent on stop, which withdraws routes and DNS
		frame []byte
	}
	var all []sent
	var frames [][]byte
	cfgs := extremeConfigs(t)
	for _, name := range slices.Sorted(maps.Keys(cfgs)) { // "extremes" first
		cfg, err := cfgs[name].withDefaults()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for i, ra := range []*mdndp.RouterAdvertisement{cfg.message(mac, cfg.RouterLifetime), cfg.finalMessage(mac)} {
			b, err := mdndp.MarshalMessage(ra)
			if err != nil {
				t.Fatalf("%s: marshal: %v", name, err)
			}
			if len(b) > MaxRASize {
				t.Errorf("%s: %d bytes, more than %d", name, len(b), MaxRASize)
			}
			back, err := mdndp.ParseMessage(b)
			if err != nil {
				t.Errorf("%s: mdlayher/ndp cannot parse it: %v", name, err)
			} else if got := len(back.(*mdndp.RouterAdvertisement).Options); got != len(ra.Options) {
				t.Errorf("%s: mdlayher/ndp reads %d options, sent %d", name, got, len(ra.Options))
			}
			if _, err := ParseRouterAdvertisement(b); err != nil {
				t.Errorf("%s: ParseRouterAdvertisement: %v", name, err)
			}
			pkt := v6frame.Packet{DstMAC: v6frame.MulticastMAC(allNodes), Src: netip.MustParseAddr("fe80::1"), Dst: allNodes, HopLimit: 255, ICMP: b}
			copy(pkt.SrcMAC[:], mac)
			frame, err := pkt.Append(nil)
			if err != nil {
				t.Fatal(err)
			}
			frames = append(frames, frame)
			all = append(all, sent{name, cfg, ra, i == 1, frame})
		}
	}
	f := filepath.Join(t.TempDir(), "ras.pcap")
	sdktest.WritePcap(t, f, frames)
	// No malformed frame, no expert warning or error, in any frame.
	if i, p := tsharkProblem(t, f); p != "" {
		t.Errorf("tshark reports a problem in frame %d (%s):\n%s", i+1, all[i].name, p)
	}
	// The check can fail: an RA whose last option claims 8 more bytes
	// than there are is reported.
	if all[0].name != "a extremes" {
		t.Fatalf("first RA is %q", all[0].name)
	}
	broken := bytes.Clone(all[0].frame)
	const ra = 14 + 40 // Ethernet, IPv6
	off := ra + 16     // the RA's options
	for off+int(broken[off+1])*8 < len(broken) {
		off += int(broken[off+1]) * 8
	}
	broken[off+1]++
	bf := filepath.Join(t.TempDir(), "broken.pcap")
	sdktest.WritePcap(t, bf, [][]byte{broken})
	if _, p := tsharkProblem(t, bf); p == "" {
		t.Error("tshark reports nothing for an RA whose last option is too long: the check cannot fail")
	}
	// tshark reads what was configured.
	fields := []string{"icmpv6.nd.ra.router_lifetime", "icmpv6.nd.ra.cur_hop_limit", "icmpv6.opt.prefix",
		"icmpv6.opt.mtu", "icmpv6.opt.rdnss", "icmpv6.opt.dnssl", "icmpv6.opt.pref64.prefix", "icmpv6.opt.linkaddr",
		"icmpv6.opt.prefix.valid_lifetime", "icmpv6.opt.route_lifetime", "icmpv6.opt.rdnss.lifetime"}
	lines := sdktest.TsharkFields(t, f, fields)
	if len(lines) != len(all) {
		t.Fatalf("tshark printed %d frames, sent %d", len(lines), len(all))
	}
	for i, got := range lines {
		s := all[i]
		want := wantFields(s.cfg, s.ra, s.final, mac)
		for j, fl := range fields {
			if got[j] != want[j] {
				t.Errorf("%s (frame %d): %s = %q, want %q", s.name, i+1, fl, got[j], want[j])
			}
		}
	}
}

// wantFields is what tshark should print for ra, field by field.
func wantFields(cfg AdvertiserConfig, ra *mdndp.RouterAdvertisement, final bool, mac net.HardwareAddr) []string {
	var prefixes, rdnss []string
	for _, p := range cfg.Prefixes {
		prefixes = append(prefixes, p.Prefix.Addr().String())
	}
	var valid, routeLT []string
	for _, p := range cfg.Prefixes {
		valid = append(valid, strconv.FormatUint(uint64(p.ValidLifetime/time.Second), 10))
	}
	for _, r := range cfg.Routes {
		if r.Prefix.Bits() > 0 { // a /0 route carries no prefix field
			prefixes = append(prefixes, r.Prefix.Addr().String())
		}
		lt := r.Lifetime
		if final {
			lt = 0
		}
		routeLT = append(routeLT, strconv.FormatUint(uint64(lt/time.Second), 10))
	}
	rdnssLT := ""
	if len(cfg.RDNSS) > 0 {
		rdnssLT = strconv.FormatUint(uint64(cfg.DNSLifetime/time.Second), 10)
		if final {
			rdnssLT = "0"
		}
	}
	for _, a := range cfg.RDNSS {
		rdnss = append(rdnss, a.String())
	}
	mtu, pref64, lla := "", "", ""
	if cfg.MTU != 0 {
		mtu = strconv.Itoa(int(cfg.MTU))
	}
	if cfg.PREF64.IsValid() {
		pref64 = cfg.PREF64.Addr().String()
	}
	if !cfg.NoSourceLinkLayer {
		lla = mac.String()
	}
	return []string{strconv.Itoa(int(ra.RouterLifetime / time.Second)), strconv.Itoa(int(cfg.CurHopLimit)),
		strings.Join(prefixes, ","), mtu, strings.Join(rdnss, ","), strings.Join(cfg.DNSSL, ","), pref64, lla,
		strings.Join(valid, ","), strings.Join(routeLT, ","), rdnssLT}
}

// tsharkProblem returns the first frame of the capture f that tshark
// finds malformed or warns or errs about, with its dissection, or "".
func tsharkProblem(t *testing.T, f string) (int, string) {
	t.Helper()
	for i, fr := range sdktest.TsharkFrames(t, f) {
		if sdktest.TsharkProblem(fr) != "" {
			return i, fr
		}
	}
	return -1, ""
}
