// Package v6onlyprobe is the v6only-probe program: a one-shot "is this
// network IPv6-mostly ready?" check. It sends one DHCPv4 DISCOVER that asks
// for option 108 (RFC 8925) and never a REQUEST, and solicits router
// advertisements (package ndp) to see whether they carry PREF64 and RDNSS.
package v6onlyprobe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/ndp"
)

// Options configure Run; examples/v6only-probe fills them from flags.
type Options struct {
	// Interface to probe (-i).
	Interface string
	// JSON prints one JSON object (-json).
	JSON bool
	// Timeout bounds the wait for an OFFER (-timeout; default 5 s).
	Timeout time.Duration
	// RAWait is how long to collect router advertisements (-ra-wait;
	// default 2 s, at most Timeout).
	RAWait time.Duration

	// Client, when set, is used instead of an nclient4 client on Interface
	// (tests).
	Client dhcpv4opt108.Discoverer
	// Routers, when set, replaces ndp.SolicitRouters (tests).
	Routers func(ctx context.Context, ifi *net.Interface, wait time.Duration) ([]ndp.Router, error)
}

// Report is what the probe found. The JSON keys are the program's contract.
type Report struct {
	// Server is the OFFER's server identifier.
	Server string `json:"server"`
	// Offered is the OFFER's yiaddr (0.0.0.0 from servers that allocate
	// nothing to IPv6-only clients).
	Offered string `json:"offered"`
	// Option108 says whether the OFFER carried option 108 at all;
	// Option108Status tells "valid" from "malformed".
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

// Run probes the link once and prints the report. It opens every socket on
// the calling goroutine before starting any other, so it can be run on a
// thread inside a network namespace.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	if o.Timeout <= 0 {
		o.Timeout = 5 * time.Second
	}
	if o.RAWait <= 0 {
		o.RAWait = 2 * time.Second
	}
	o.RAWait = min(o.RAWait, o.Timeout)
	var ifi *net.Interface
	if o.Client == nil || o.Routers == nil {
		if o.Interface == "" {
			return errors.New("v6only-probe: -i interface is required")
		}
		var err error
		if ifi, err = net.InterfaceByName(o.Interface); err != nil {
			return fmt.Errorf("v6only-probe: %w", err)
		}
	}
	client := o.Client
	if client == nil {
		c, closeClient, err := newClient(o.Interface, o.Timeout)
		if err != nil {
			return fmt.Errorf("v6only-probe: %w", err)
		}
		defer closeClient()
		client = c
	}
	routers := o.Routers
	if routers == nil {
		routers = ndp.SolicitRouters
	}

	raCtx := ctx // SolicitRouters bounds itself by RAWait
	ctx, cancel := context.WithTimeout(ctx, o.Timeout)
	defer cancel()
	type probed struct {
		r   dhcpv4opt108.Result
		err error
	}
	ch := make(chan probed, 1)
	go func() {
		r, err := dhcpv4opt108.Probe(ctx, client)
		ch <- probed{r, err}
	}()
	// On this goroutine: SolicitRouters opens its socket here.
	rs, _ := routers(raCtx, ifi, o.RAWait) // no RA is an answer, not an error
	p := <-ch
	if p.err != nil {
		if isNoResponse(p.err) || errors.Is(p.err, context.DeadlineExceeded) {
			return fmt.Errorf("v6only-probe: no DHCPv4 OFFER on %s within %v", o.Interface, o.Timeout)
		}
		return fmt.Errorf("v6only-probe: %w", p.err)
	}
	rep := report(p.r, rs)
	if o.JSON {
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	}
	_, err := io.WriteString(stdout, rep.Text())
	return err
}

func report(r dhcpv4opt108.Result, rs []ndp.Router) Report {
	d := r.Decision
	rep := Report{
		Server:          r.Offer.ServerIdentifier().String(),
		Offered:         r.Offer.YourIPAddr.String(),
		Option108:       d.Presence != dhcpv4opt108.Absent,
		Option108Status: d.Presence.String(),
		V6Only:          r.V6Only(),
		PREF64:          []string{},
		RDNSS:           []string{},
	}
	if r.Offer.ServerIdentifier() == nil {
		rep.Server = r.Offer.ServerIPAddr.String()
	}
	if d.Presence == dhcpv4opt108.Valid {
		raw, eff := int64(d.Option.Seconds), int64(d.Option.Effective()/time.Second)
		rep.V6OnlyWaitS, rep.EffectiveWaitS = &raw, &eff
	}
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
	for _, p := range slices.Compact(pref64) {
		rep.PREF64 = append(rep.PREF64, p.String())
	}
	for _, a := range slices.Compact(rdnss) {
		rep.RDNSS = append(rep.RDNSS, a.String())
	}
	rep.Ready = rep.V6Only && len(rep.PREF64) > 0 && len(rep.RDNSS) > 0
	return rep
}

// Text is the human report.
func (r Report) Text() string {
	var b strings.Builder
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
	fmt.Fprintf(&b, "pref64:     %s\n", listOrNone(r.PREF64))
	fmt.Fprintf(&b, "rdnss:      %s\n", listOrNone(r.RDNSS))
	switch {
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
