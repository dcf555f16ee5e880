package slaacaddr

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"strings"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/netx"
	"github.com/v6kit/v6kit/slaac"
	"github.com/v6kit/v6kit/slaac/host"
)

// HostResult is one -json line of -i: an address this host forms. The
// keys are the program's contract (see Help).
type HostResult struct {
	Interface  string `json:"interface"`
	Manager    string `json:"manager"`
	Prefix     string `json:"prefix"`
	Address    string `json:"address"`
	IID        string `json:"iid"`
	DADCounter int    `json:"dad_counter"`
	Rule       string `json:"rule"`
	Source     string `json:"source"`
	// Present says the interface holds the address now.
	Present bool `json:"present"`
	// NoAddress says why the host forms no address (then Address and IID
	// are empty).
	NoAddress string `json:"no_address,omitempty"`
}

// hostFlags are the flags -i reads.
var hostFlags = []string{"i", "prefix", "dad", "linklocal", "json", "version"}

// readHost reads the host and its link; Options.read replaces it in tests.
func readHost(ifname string) (*slaac.Host, *host.Link, error) {
	h, err := host.Read(ifname)
	if err != nil {
		return nil, nil, err
	}
	l, err := host.ReadLink(ifname)
	return h, l, err
}

// checkHost validates the flags of -i.
func checkHost(o Options) error {
	switch {
	case o.Mode != "":
		return cli.Usagef("-i reads this host's own configuration, -mode computes from flags; give one of them")
	case netx.CheckName(o.Interface) != nil:
		return cli.Usagef("-i: %v", netx.CheckName(o.Interface))
	case o.DAD < 0:
		return cli.Usagef("-dad %d is negative; give the number of DAD conflicts before this address (0 for the first)", o.DAD)
	case o.LinkLocal && o.Prefix != "":
		return cli.Usagef("-linklocal and -prefix exclude each other; give -prefix for a global address or -linklocal for fe80::/64")
	}
	if o.Prefix != "" {
		if _, err := parsePrefix(o.Prefix); err != nil {
			return err
		}
	}
	return nil
}

// runHost predicts this host's addresses on ifname: on -prefix, on
// fe80::/64 with -linklocal, else on every prefix the interface learns
// from router advertisements.
func runHost(ctx context.Context, o Options, w io.Writer) error {
	if err := checkHost(o); err != nil {
		return err
	}
	read := o.read
	if read == nil {
		read = readHost
	}
	h, l, err := read(o.Interface)
	if errors.Is(err, host.ErrNoInterface) {
		// Nothing was done: a usage error, as in v6disc and the v6only
		// programs (netx.Interface's words).
		return cli.Usagef("-i: interface %q not found; list them with 'ip link'", o.Interface)
	}
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	var prefixes []netip.Prefix
	var rules []slaac.Rule
	switch {
	case o.LinkLocal:
		prefixes = []netip.Prefix{linkLocalPrefix}
		var r slaac.Rule
		if r, err = h.LinkLocalRule(); err == nil {
			rules = []slaac.Rule{r}
		}
	default:
		if o.Prefix != "" {
			p, _ := parsePrefix(o.Prefix)
			prefixes = []netip.Prefix{p}
		} else {
			prefixes = l.RAPrefixes
		}
		rules, err = h.Rules()
	}
	enc := json.NewEncoder(w)
	base := HostResult{Interface: o.Interface, Manager: h.Manager.String()}
	if errors.Is(err, slaac.ErrNoAddress) {
		// The host itself forms no address: that is the answer, on each
		// prefix asked about (or learnt), or once without one (a kernel
		// that does not autoconfigure learns none, so "give -prefix"
		// would mislead).
		r := base
		r.NoAddress = cli.Cause(err)
		if len(prefixes) == 0 {
			return writeHost(enc, w, o.JSON, r)
		}
		for _, p := range prefixes {
			r.Prefix = p.String()
			if err := writeHost(enc, w, o.JSON, r); err != nil {
				return err
			}
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("%s: %s", o.Interface, cli.Cause(err))
	}
	if len(prefixes) == 0 {
		return fmt.Errorf("interface %s learns no prefix from router advertisements (yet); give -prefix", o.Interface)
	}
	held := map[netip.Addr]bool{}
	for _, a := range l.Addrs {
		held[a.Prefix.Addr()] = true
	}
	for _, p := range prefixes {
		for _, rule := range rules {
			if !rule.Applies(p) {
				continue
			}
			r := base
			r.Prefix, r.Rule, r.Source = p.String(), rule.Name, rule.Source
			iid, used, err := rule.Generator.IID(p, o.DAD)
			if nm, ok := rule.Generator.(*slaac.NetworkManager); ok && o.DAD > nm.LastDADCounter(p) {
				iid, used, err = slaac.IID{}, o.DAD, nmDADError(nm, p, o.DAD)
			}
			switch {
			case errors.Is(err, slaac.ErrIDGenRetries) && o.DAD > 0:
				return cli.Usagef("-dad %d is past the retries %s makes (%s); give a smaller -dad", o.DAD, rule.Name, cli.Cause(err))
			case errors.Is(err, slaac.ErrNoAddress), errors.Is(err, slaac.ErrIDGenRetries):
				r.DADCounter, r.NoAddress = o.DAD, cli.Cause(err)
			case err != nil:
				return fmt.Errorf("%s: %s on %v: %s", o.Interface, rule.Name, p, cli.Cause(err))
			default:
				a, _ := slaac.Addr(p, iid)
				r.Address, r.IID, r.DADCounter, r.Present = a.String(), iid.String(), used, held[a]
			}
			if err := writeHost(enc, w, o.JSON, r); err != nil {
				return err
			}
		}
	}
	return nil
}

// noAddressWhy is a no_address reason without slaac.ErrNoAddress's own
// words, which the text line's "no address:" already says.
func noAddressWhy(why string) string {
	return strings.TrimPrefix(why, cli.Cause(slaac.ErrNoAddress)+": ")
}

func writeHost(enc *json.Encoder, w io.Writer, asJSON bool, r HostResult) error {
	if asJSON {
		return enc.Encode(r)
	}
	if r.NoAddress != "" {
		line := "no address: " + noAddressWhy(r.NoAddress) + "\n"
		if r.Prefix != "" {
			line = r.Prefix + " " + line
		}
		_, err := io.WriteString(w, line)
		return err
	}
	state := "absent"
	if r.Present {
		state = "present"
	}
	_, err := fmt.Fprintf(w, "%s %s %s (%s)\n", r.Address, r.Rule, state, r.Source)
	return err
}
