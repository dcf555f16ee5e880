package v6onlyprobe

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/ndp"
)

// Outcomes of a probe.
const (
	OutcomeOffer   = "offer"
	OutcomeNoOffer = "no-offer"
)

// Report is what the probe found. The JSON keys are the program's contract
// (listed in the Help, pinned by testdata/*.golden).
type Report struct {
	// Outcome is OutcomeOffer or OutcomeNoOffer (no DHCPv4 server
	// answered within the timeout).
	Outcome string `json:"outcome"`
	// Server is the OFFER's server identifier; "" without an offer.
	Server string `json:"server"`
	// Offered is the OFFER's yiaddr (0.0.0.0 from servers that allocate
	// nothing to IPv6-only clients); "" without an offer.
	Offered string `json:"offered"`
	// Option108 says whether the OFFER carried option 108 at all;
	// Option108Status tells "valid" from "malformed" and "absent".
	Option108       bool   `json:"option108"`
	Option108Status string `json:"option108_status"`
	// V6OnlyWaitS is V6ONLY_WAIT as sent; EffectiveWaitS is what a client
	// waits, at least 300 s. Both null unless the option is valid.
	V6OnlyWaitS    *int64 `json:"v6only_wait_s"`
	EffectiveWaitS *int64 `json:"effective_wait_s"`
	// PREF64 and RDNSS come from the link's router advertisements.
	PREF64 []string `json:"pref64"`
	RDNSS  []string `json:"rdnss"`
	// V6Only says whether a capable client would stop DHCPv4 here.
	V6Only bool `json:"v6only"`
	// Ready: option 108 valid, and RAs carry PREF64 and RDNSS.
	Ready bool `json:"ready"`

	// RouterLifetimeS and PREF64LifetimeS are those of the advertisement
	// whose PREF64 is in use; null without one.
	RouterLifetimeS *int64 `json:"router_lifetime_s"`
	PREF64LifetimeS *int64 `json:"pref64_lifetime_s"`
	// DNSServer is the server asked (-dns, else the first RDNSS that
	// answers, else the first RDNSS); "" when there is none.
	DNSServer string `json:"dns_server"`
	// RDNSSUnanswered are the RDNSS servers that did not answer the RFC
	// 7050 query (not asked with -dns).
	RDNSSUnanswered []string `json:"rdnss_unanswered"`
	// RFC7050 are the prefixes found in the AAAA records of ipv4only.arpa;
	// RFC7050Error says why none were ("" when found).
	RFC7050      []string `json:"rfc7050_prefixes"`
	RFC7050Error string   `json:"rfc7050_error"`
	// NAT64Prefix is the prefix a client uses: PREF64 when advertised,
	// else the RFC 7050 one; NAT64Source says which ("pref64", "dns64").
	NAT64Prefix string `json:"nat64_prefix"`
	NAT64Source string `json:"nat64_source"`
	// PrefixAgree: PREF64 is among the RFC 7050 prefixes.
	PrefixAgree bool `json:"prefix_agree"`
	// DNS64Name is the A-only name asked for; DNS64AAAA what the DNS64
	// synthesised, DNS64Prefixes under which prefixes; DNS64OK says they
	// include NAT64Prefix; DNS64Error why not.
	DNS64Name     string   `json:"dns64_name"`
	DNS64AAAA     []string `json:"dns64_aaaa"`
	DNS64Prefixes []string `json:"dns64_prefixes"`
	DNS64OK       bool     `json:"dns64_ok"`
	DNS64Error    string   `json:"dns64_error"`
	// NAT64Target is the IPv4 address and port reached through
	// NAT64Via, its address under NAT64Prefix; EchoRTTMs and TCPRTTMs the
	// round-trip times (null on failure); NAT64Error what failed.
	NAT64Target string   `json:"nat64_target"`
	NAT64Via    string   `json:"nat64_via"`
	EchoRTTMs   *float64 `json:"echo_rtt_ms"`
	TCPRTTMs    *float64 `json:"tcp_rtt_ms"`
	NAT64Error  string   `json:"nat64_error"`
	// Checks are the report's lines, in order; AllOK is every one ✔: the
	// network is ready for IPv6-only clients.
	Checks []Check `json:"checks"`
	AllOK  bool    `json:"all_ok"`
}

// Check is one line of the readiness report.
type Check struct {
	Name string `json:"check"` // option108, pref64, rdnss, rfc7050, dns64, nat64
	// OK is the ✔; Skipped means it could not run because an earlier
	// check failed (OK is false then too).
	OK      bool   `json:"ok"`
	Skipped bool   `json:"skipped"`
	Text    string `json:"text"`
	Fix     string `json:"fix"`
}

func report(r dhcpv4opt108.Result, rs []ndp.Router) Report {
	d := r.Decision
	rep := Report{
		Outcome:         OutcomeOffer,
		Server:          r.Offer.ServerIdentifier().String(),
		Offered:         r.Offer.YourIPAddr.String(),
		Option108:       d.Presence != dhcpv4opt108.Absent,
		Option108Status: d.Presence.String(),
		V6Only:          r.V6Only(),
	}
	if r.Offer.ServerIdentifier() == nil {
		rep.Server = r.Offer.ServerIPAddr.String()
	}
	if d.Presence == dhcpv4opt108.Valid {
		raw, eff := int64(d.Option.Seconds), int64(d.Option.Effective()/time.Second)
		rep.V6OnlyWaitS, rep.EffectiveWaitS = &raw, &eff
	}
	rep.addRAs(rs)
	return rep
}

func noOffer(rs []ndp.Router) Report {
	rep := Report{Outcome: OutcomeNoOffer, Option108Status: dhcpv4opt108.Absent.String()}
	rep.addRAs(rs)
	return rep
}

func (rep *Report) addRAs(rs []ndp.Router) {
	var pref64 []netip.Prefix
	var rdnss []netip.Addr
	for _, rt := range rs {
		// Lifetime 0 withdraws (RFC 8781 4, RFC 8106 5.1): a stopping
		// router's last RA says "no longer use these".
		for _, p := range rt.PREF64 {
			if p.Lifetime > 0 {
				pref64 = append(pref64, p.Prefix)
			}
		}
		for _, s := range rt.RDNSS {
			if s.Lifetime > 0 {
				rdnss = append(rdnss, s.Servers...)
			}
		}
	}
	slices.SortFunc(pref64, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	rep.PREF64, rep.RDNSS = []string{}, []string{}
	for _, p := range slices.Compact(pref64) {
		rep.PREF64 = append(rep.PREF64, p.String())
	}
	// RDNSS in the RAs' order, which is a client's order of preference
	// (RFC 8106 5.1), each once.
	for i, a := range rdnss {
		if !slices.Contains(rdnss[:i], a) {
			rep.RDNSS = append(rep.RDNSS, a.String())
		}
	}
	rep.Ready = rep.V6Only && len(rep.PREF64) > 0 && len(rep.RDNSS) > 0
}

// Text is the human report; timeout is the wait it says an absent offer
// was given.
func (r Report) Text(timeout time.Duration) string {
	var b strings.Builder
	if r.Outcome == OutcomeNoOffer {
		fmt.Fprintf(&b, "server:     none (no DHCPv4 OFFER within %v)\n", timeout)
	} else {
		fmt.Fprintf(&b, "server:     %s\n", r.Server)
		fmt.Fprintf(&b, "offered:    %s\n", r.Offered)
	}
	for _, c := range r.Checks {
		b.WriteString(c.String() + "\n")
		if !c.OK && c.Fix != "" {
			fmt.Fprintf(&b, "  %-11s %s\n", "fix:", c.Fix)
		}
	}
	switch {
	case r.AllOK:
		b.WriteString("verdict:    ready for IPv6-only clients: they stop DHCPv4, find the NAT64 prefix and DNS64, and reach IPv4 through NAT64\n")
	case r.Outcome == OutcomeNoOffer:
		b.WriteString("verdict:    no DHCPv4 server answered: clients get no IPv4 address here\n")
	case r.Ready:
		b.WriteString("verdict:    IPv6-mostly signalled, but IPv6-only clients would break: see the ✘ lines\n")
	case r.V6Only:
		b.WriteString("verdict:    option 108 works, but the RAs lack PREF64 or RDNSS\n")
	default:
		b.WriteString("verdict:    not IPv6-mostly: every client takes an IPv4 lease\n")
	}
	return b.String()
}

// String is the check's line: ✔, ✘ or – (skipped), its title and text.
func (c Check) String() string {
	mark := "✔"
	switch {
	case c.Skipped:
		mark = "–"
	case !c.OK:
		mark = "✘"
	}
	return fmt.Sprintf("%s %-11s %s", mark, checkTitles[c.Name], c.Text)
}

var checkTitles = map[string]string{
	"option108": "option 108", "pref64": "PREF64", "rdnss": "RDNSS",
	"rfc7050": "RFC 7050", "dns64": "DNS64", "nat64": "NAT64",
}
