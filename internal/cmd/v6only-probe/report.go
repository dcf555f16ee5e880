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
		for _, p := range rt.PREF64 {
			pref64 = append(pref64, p.Prefix)
		}
		for _, s := range rt.RDNSS {
			rdnss = append(rdnss, s.Servers...)
		}
	}
	slices.SortFunc(pref64, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	slices.SortFunc(rdnss, netip.Addr.Compare)
	rep.PREF64, rep.RDNSS = []string{}, []string{}
	for _, p := range slices.Compact(pref64) {
		rep.PREF64 = append(rep.PREF64, p.String())
	}
	for _, a := range slices.Compact(rdnss) {
		rep.RDNSS = append(rep.RDNSS, a.String())
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
		switch {
		case r.V6OnlyWaitS != nil:
			fmt.Fprintf(&b, "option 108: V6ONLY_WAIT %d s (a client waits %d s)\n", *r.V6OnlyWaitS, *r.EffectiveWaitS)
		case r.Option108:
			fmt.Fprintf(&b, "option 108: %s (clients ignore it)\n", r.Option108Status)
		default:
			b.WriteString("option 108: absent\n")
		}
	}
	fmt.Fprintf(&b, "pref64:     %s\n", listOrNone(r.PREF64))
	fmt.Fprintf(&b, "rdnss:      %s\n", listOrNone(r.RDNSS))
	switch {
	case r.Outcome == OutcomeNoOffer:
		b.WriteString("verdict:    no DHCPv4 server answered: clients get no IPv4 address here\n")
	case r.Ready:
		b.WriteString("verdict:    IPv6-mostly ready: capable clients stop DHCPv4 and find NAT64 and DNS\n")
	case r.V6Only:
		b.WriteString("verdict:    option 108 works, but the RAs lack PREF64 or RDNSS\n")
	default:
		b.WriteString("verdict:    not IPv6-mostly: every client takes an IPv4 lease\n")
	}
	return b.String()
}

func listOrNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
