package lab

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/slaac"
)

// prediction is what slaac says a host will form, computed before the
// router has sent a single RA.
type prediction struct {
	h     *host
	addrs []netip.Addr // link-local, global, ULA
	how   string
}

// predictAll computes every host's stable addresses from what an owner
// knows beforehand: the MAC for EUI-64 hosts, the stable_secret for the
// stable-privacy laptop (veth has an all-zero permanent MAC, which is what
// the kernel hashes).
func predictAll(n *network) ([]prediction, error) {
	var ps []prediction
	for _, h := range n.all() {
		p := prediction{h: h}
		switch h.Mode {
		case 0:
			iid, err := slaac.EUI64(h.MAC)
			if err != nil {
				return nil, err
			}
			p.how = "EUI-64"
			p.addrs = append(p.addrs, slaac.LinkLocal(iid))
			for _, pfx := range []netip.Prefix{lanPrefix, lanULA} {
				a, err := slaac.Addr(pfx, iid)
				if err != nil {
					return nil, err
				}
				p.addrs = append(p.addrs, a)
			}
		case 2:
			secret, err := slaac.ParseLinuxSecret(laptopSecret.String())
			if err != nil {
				return nil, err
			}
			g := &slaac.Linux{Secret: secret}
			p.how = "Linux stable-privacy"
			ll, _, err := g.LinkLocal(0)
			if err != nil {
				return nil, err
			}
			p.addrs = append(p.addrs, ll)
			for _, pfx := range []netip.Prefix{lanPrefix, lanULA} {
				a, _, err := slaac.Form(g, pfx, nil)
				if err != nil {
					return nil, err
				}
				p.addrs = append(p.addrs, a)
			}
		default:
			return nil, fmt.Errorf("host %s: addr_gen_mode %d not predicted", h.Role, h.Mode)
		}
		ps = append(ps, p)
	}
	return ps, nil
}

// stableAddrs lists a host's IPv6 addresses on its LAN link, without
// temporary ones, and its temporary ones apart.
func stableAddrs(h *host) (stable, temporary []netip.Addr, err error) {
	addrs, err := h.NS.Addrs(h.IfName, "inet6")
	if err != nil {
		return nil, nil, err
	}
	for _, a := range addrs {
		if a.Has("temporary") {
			temporary = append(temporary, a.Prefix.Addr())
			continue
		}
		stable = append(stable, a.Prefix.Addr())
	}
	return stable, temporary, nil
}

// waitSLAAC waits until every predicted host has as many stable addresses
// as predicted (the kernel adds them as RAs arrive).
func waitSLAAC(ctx context.Context, ps []prediction) error {
	return lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		for _, p := range ps {
			stable, _, err := stableAddrs(p.h)
			if err != nil {
				return false, err
			}
			if len(stable) < len(p.addrs) {
				return false, nil
			}
		}
		return true, nil
	})
}

func actPredict(ps []prediction, raSource string) act {
	return act{name: "predict", run: func(ctx context.Context, n *network, r *Result) error {
		if err := waitSLAAC(ctx, ps); err != nil {
			return fmt.Errorf("hosts did not finish SLAAC from the %s's RAs: %w", raSource, err)
		}
		total, matched := 0, 0
		var lines, wrong []string
		hosts := map[string]any{}
		for _, p := range ps {
			stable, temporary, err := stableAddrs(p.h)
			if err != nil {
				return err
			}
			for _, a := range p.addrs {
				total++
				mark := "✔"
				if slices.Contains(stable, a) {
					matched++
				} else {
					mark = "✘"
					wrong = append(wrong, fmt.Sprintf("%s: predicted %s, kernel has %v", p.h.Role, a, stable))
				}
				lines = append(lines, fmt.Sprintf("%s %-9s %-20s %s", mark, p.h.Role, p.how, a))
			}
			for _, a := range temporary {
				lines = append(lines, fmt.Sprintf("  %-9s %-20s %s", p.h.Role, "RFC 8981 temporary", a))
			}
			hosts[p.h.Role] = map[string]any{"predicted": p.addrs, "kernel": stable, "temporary": temporary, "method": p.how}
		}
		r.Details["hosts"] = hosts
		r.Details["lines"] = lines
		r.Details["predicted"] = total
		r.Details["matched"] = matched
		r.Summary = fmt.Sprintf("%d of %d addresses of %d hosts predicted bit for bit before the first RA (RAs from %s)",
			matched, total, len(ps), raSource)
		r.Next = fmt.Sprintf("go run ./examples/slaacaddr -mode linux -secret %s -permaddr 00:00:00:00:00:00 -prefix %s",
			laptopSecret, lanPrefix)
		if len(wrong) > 0 {
			return fmt.Errorf("%d predictions wrong: %s", len(wrong), strings.Join(wrong, "; "))
		}
		return nil
	}}
}
