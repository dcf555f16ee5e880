package v6onlyprobe

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"

	"github.com/v6kit/v6kit/dhcpv4opt108"
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/nat64"
	"github.com/v6kit/v6kit/ndp"
)

// Options configure Run; Command fills them from flags.
type Options struct {
	// Interface to probe (-i).
	Interface string
	// JSON prints one JSON object (-json).
	JSON bool
	// Timeout bounds the wait for an OFFER (-timeout; 0 means
	// DefaultTimeout, at most MaxTimeout).
	Timeout time.Duration
	// RAWait is how long to collect router advertisements (-ra-wait; 0
	// means DefaultRAWait, capped at Timeout when that is not given).
	RAWait time.Duration

	// DNS is the DNS server for the RFC 7050 and DNS64 checks (-dns);
	// the zero value means the RDNSS servers of the router advertisements,
	// each asked in turn, the first that answers used.
	DNS netip.AddrPort
	// Name is the A-only name the DNS64 check asks for (-name; the
	// command's default is DefaultName, "" skips the check).
	Name string
	// Target is the IPv4 address and port the NAT64 check reaches through
	// the prefix (-target); the zero value means Name's first A record on
	// Port.
	Target netip.AddrPort
	// Port is the TCP port of the NAT64 check when Target is not given (0
	// means DefaultPort).
	Port uint16

	// Client, when set, is used instead of an nclient4 client on Interface
	// (tests).
	Client dhcpv4opt108.Discoverer
	// Routers, when set, replaces ndp.SolicitRouters (tests).
	Routers func(ctx context.Context, ifi *net.Interface, wait time.Duration) ([]ndp.Router, error)
	// Lookup, Ping and Connect, when set, replace the DNS queries, the
	// ICMPv6 echo and the TCP connect of the NAT64 checks (tests).
	Lookup  func(ctx context.Context, server netip.AddrPort, name string, typ uint16) (nat64.Answer, error)
	Ping    func(ctx context.Context, dst netip.Addr) (time.Duration, error)
	Connect func(ctx context.Context, dst netip.AddrPort) (time.Duration, error)

	ifIndex int // the zone of a link-local RDNSS
}

// validate checks o before anything is opened.
func (o *Options) validate() error {
	switch {
	case o.Timeout < 0 || o.Timeout > MaxTimeout:
		return cli.Usagef("-timeout %v is out of range; give more than 0s and at most %v", o.Timeout, MaxTimeout)
	case o.RAWait < 0:
		return cli.Usagef("-ra-wait %v is not a positive time; give e.g. -ra-wait 2s", o.RAWait)
	case o.Timeout > 0 && o.RAWait > o.Timeout:
		return cli.Usagef("-ra-wait %v is longer than -timeout %v; give at most the timeout", o.RAWait, o.Timeout)
	case o.Target.IsValid() && !o.Target.Addr().Unmap().Is4():
		return cli.Usagef("-target %v is not an IPv4 address and port; give the IPv4 literal to reach through NAT64, e.g. -target 192.0.2.1:443", o.Target)
	case o.Target.IsValid() && o.Target.Port() == 0:
		return cli.Usagef("-target %v has port 0; give the TCP port to connect to, e.g. -target %v:443", o.Target, o.Target.Addr())
	case o.DNS.IsValid() && o.DNS.Addr().Unmap().Is4():
		return cli.Usagef("-dns %v is IPv4, which IPv6-only clients cannot ask; give the DNS64's IPv6 address, e.g. -dns 2001:db8::53", o.DNS.Addr())
	case o.DNS.IsValid() && (o.DNS.Port() == 0 || o.DNS.Addr().IsMulticast() || o.DNS.Addr().IsUnspecified()):
		return cli.Usagef("-dns %v is not a DNS server's address and port; give one such as 2001:db8::53 or [2001:db8::53]:53", o.DNS)
	}
	if why := nameProblem(o.Name); why != "" {
		return cli.Usagef("-name %q is not a DNS name (%s); give an A-only name such as %s, or -name \"\" to skip the check", o.Name, why, DefaultName)
	}
	if o.Timeout == 0 {
		o.Timeout = DefaultTimeout
	}
	if o.RAWait == 0 {
		o.RAWait = min(DefaultRAWait, o.Timeout)
	}
	return nil
}

// nameProblem says what makes s no DNS name (RFC 1035 2.3.4: labels of 1
// to 63 bytes, at most 253 in all; letters, digits, '-' and '_'), or "".
// The empty name is allowed: it skips the check.
func nameProblem(s string) string {
	if s == "" {
		return ""
	}
	n := strings.TrimSuffix(s, ".")
	if len(n) > 253 {
		return fmt.Sprintf("%d bytes; at most 253", len(n))
	}
	for _, label := range strings.Split(n, ".") {
		switch {
		case label == "":
			return "an empty label"
		case len(label) > 63:
			return fmt.Sprintf("a label of %d bytes; at most 63", len(label))
		}
		for _, r := range label {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
				return fmt.Sprintf("%q is not a letter, digit, '-' or '_'", r)
			}
		}
	}
	return ""
}

// Run probes the link once and prints the report; no OFFER is a report
// too (Outcome "no-offer"). It opens every socket on the calling goroutine
// before starting any other, so it can be run on a thread inside a network
// namespace.
func Run(ctx context.Context, o Options, stdout io.Writer) error {
	if err := o.validate(); err != nil {
		return err
	}
	var ifi *net.Interface
	if o.Client == nil || o.Routers == nil {
		if o.Interface == "" {
			return cli.Usagef("-i is required; give the interface to probe, e.g. -i eth0")
		}
		var err error
		if ifi, err = netx.Interface(o.Interface); err != nil {
			return cli.Usagef("-i: %v", err)
		}
		o.ifIndex = ifi.Index
	}
	client := o.Client
	if client == nil {
		c, closeClient, err := newClient(o.Interface, o.Timeout)
		if err != nil {
			return err
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
	var rep Report
	switch {
	case p.err == nil:
		rep = report(p.r, rs)
	case raCtx.Err() != nil:
		return raCtx.Err() // stopped by a signal: no verdict, and the exit status says so
	case isNoResponse(p.err) || errors.Is(p.err, context.DeadlineExceeded):
		rep = noOffer(rs)
	default:
		return fmt.Errorf("interface %q: %w", o.Interface, p.err)
	}
	rep.checkNAT64(raCtx, &o, rs, time.Now())
	if raCtx.Err() != nil {
		return raCtx.Err() // stopped by a signal: no verdict, and the exit status says so
	}
	if o.JSON {
		b, err := json.Marshal(rep)
		if err != nil {
			return err
		}
		_, err = stdout.Write(append(b, '\n'))
		return err
	}
	_, err := io.WriteString(stdout, rep.Text(o.Timeout))
	return err
}
