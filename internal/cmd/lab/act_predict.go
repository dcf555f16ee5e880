//go:build linux

package labcmd

import (
	"context"
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/ndp"
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
			if p.h.Temporary {
				tl, err := compareTemporary(p.h, n.raAt)
				if err != nil {
					wrong = append(wrong, err.Error())
				}
				lines = append(lines, tl...)
			}
			hosts[p.h.Role] = map[string]any{"predicted": p.addrs, "kernel": stable, "temporary": temporary, "method": p.how}
		}
		r.Details["hosts"] = hosts
		r.Details["lines"] = lines
		r.Details["predicted"] = total
		r.Details["matched"] = matched
		r.Summary = fmt.Sprintf("%d of %d addresses of %d hosts predicted bit for bit before the first RA (RAs from %s); temporary addresses on the RFC 8981 schedule",
			matched, total, len(ps), raSource)
		r.Next = fmt.Sprintf("go run ./examples/slaacaddr -mode linux -secret %s -permaddr 00:00:00:00:00:00 -prefix %s",
			laptopSecret, lanPrefix)
		if len(wrong) > 0 {
			return fmt.Errorf("%d predictions wrong: %s", len(wrong), strings.Join(wrong, "; "))
		}
		return nil
	}}
}

// compareTemporary sets the laptop's temporary addresses beside the
// schedule slaac's RFC 8981 manager (Linux profile) computes for the same
// prefixes at the time of the first RA: one per prefix, valid for
// min(prefix valid, TEMP_VALID_LIFETIME), preferred for min(prefix
// preferred, TEMP_PREFERRED_LIFETIME − DESYNC_FACTOR). DESYNC_FACTOR is
// random on both sides, so the kernel's preferred lifetime must fall in
// the window the manager allows, not on one value.
func compareTemporary(h *host, raAt time.Time) ([]string, error) {
	now := raAt
	m, err := slaac.NewTempManager(slaac.TempConfig{Profile: slaac.LinuxProfile()})
	if err != nil {
		return nil, err
	}
	prof := slaac.LinuxProfile()
	addrs, err := h.NS.Addrs(h.IfName, "inet6")
	if err != nil {
		return nil, err
	}
	elapsed := uint64(time.Since(raAt)/time.Second) + 1
	var lines []string
	var problems []string
	for _, pfx := range []netip.Prefix{lanPrefix, lanULA} {
		if _, err := m.PrefixInfo(now, pfx, ndp.DefaultValidLifetime, ndp.DefaultPreferredLifetime); err != nil {
			return nil, err
		}
		var sched *slaac.TempAddr
		for _, ta := range m.Addrs() {
			if ta.Prefix == pfx {
				sched = &ta
			}
		}
		if sched == nil {
			return nil, fmt.Errorf("the RFC 8981 manager formed no temporary address in %v", pfx)
		}
		wantValid := uint64(sched.ValidUntil.Sub(raAt) / time.Second)
		maxPref := uint64(prof.PreferredLifetime / time.Second)
		minPref := maxPref - uint64(prof.MaxDesyncFactor/time.Second)
		var kernel *lab.Addr
		for _, a := range addrs {
			if a.Has("temporary") && pfx.Contains(a.Prefix.Addr()) {
				kernel = &a
			}
		}
		if kernel == nil {
			problems = append(problems, fmt.Sprintf("no kernel temporary address in %v", pfx))
			continue
		}
		ok := kernel.ValidLft+elapsed >= wantValid && kernel.ValidLft <= wantValid &&
			kernel.PreferredLft+elapsed >= minPref && kernel.PreferredLft <= maxPref
		mark := "✔"
		if !ok {
			mark = "✘"
			problems = append(problems, fmt.Sprintf("temporary %v: kernel valid %d s preferred %d s, schedule valid %d s preferred %d–%d s",
				kernel.Prefix.Addr(), kernel.ValidLft, kernel.PreferredLft, wantValid, minPref, maxPref))
		}
		lines = append(lines, fmt.Sprintf("%s %-9s %-20s %s  kernel: valid %ds preferred %ds; RFC 8981 schedule: valid %ds, preferred %d–%ds",
			mark, h.Role, "temporary", kernel.Prefix.Addr(), kernel.ValidLft, kernel.PreferredLft, wantValid, minPref, maxPref))
	}
	if len(problems) > 0 {
		return lines, fmt.Errorf("%s", strings.Join(problems, "; "))
	}
	return lines, nil
}
