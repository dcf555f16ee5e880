package slaac_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/slaac"
)

// kernelTemp is a temporary address as `ip -j addr` shows it.
type kernelTemp struct {
	Addr                  netip.Addr
	Valid, Preferred      time.Duration
	Deprecated, Tentative bool
}

func kernelTemps(t *testing.T, ns *lab.Netns) []kernelTemp {
	t.Helper()
	out, err := ns.Output(context.Background(), "ip", "-j", "-6", "addr", "show", "dev", "eth0")
	if err != nil {
		t.Fatalf("ip addr: %v\n%s", err, out)
	}
	var links []struct {
		AddrInfo []struct {
			Local      string `json:"local"`
			Temporary  bool   `json:"temporary"`
			Deprecated bool   `json:"deprecated"`
			Tentative  bool   `json:"tentative"`
			Valid      int64  `json:"valid_life_time"`
			Preferred  int64  `json:"preferred_life_time"`
		} `json:"addr_info"`
	}
	if err := json.Unmarshal(out, &links); err != nil {
		t.Fatal(err)
	}
	var ts []kernelTemp
	for _, l := range links {
		for _, a := range l.AddrInfo {
			if !a.Temporary {
				continue
			}
			ts = append(ts, kernelTemp{
				Addr: netip.MustParseAddr(a.Local), Valid: time.Duration(a.Valid) * time.Second,
				Preferred: time.Duration(a.Preferred) * time.Second, Deprecated: a.Deprecated, Tentative: a.Tentative,
			})
		}
	}
	return ts
}

// tempHost is a kernel host with use_tempaddr=2 and the given temporary
// address sysctls (max_desync_factor 0 makes DESYNC_FACTOR 0, so lifetimes
// are exact).
func tempHost(t *testing.T, validLft, preferredLft int) *kernelHost {
	return newKernelHost(t, func(h *lab.Netns) error {
		for k, v := range map[string]string{
			"use_tempaddr":      "2",
			"temp_valid_lft":    strconv.Itoa(validLft),
			"temp_prefered_lft": strconv.Itoa(preferredLft),
			"max_desync_factor": "0",
		} {
			if err := h.Sysctl("net.ipv6.conf.eth0."+k, v); err != nil {
				return err
			}
		}
		return nil
	})
}

func linuxProfileWith(valid, preferred time.Duration) slaac.TempProfile {
	p := slaac.LinuxProfile()
	p.ValidLifetime, p.PreferredLifetime, p.MaxDesyncFactor = valid, preferred, 0
	return p
}

// waitPublic advertises p until the host's public (stable or EUI-64) address
// in p exists; the kernel forms the temporary address in the same step.
func waitPublic(t *testing.T, k *kernelHost, p netip.Prefix, valid, preferred time.Duration, repeat bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	sent := false
	err := lab.WaitFor(ctx, 250*time.Millisecond, func() (bool, error) {
		if repeat || !sent {
			if err := k.ra.send([]netip.Prefix{p}, valid, preferred); err != nil {
				return false, err
			}
		}
		addrs, err := k.host.Addrs("eth0", "inet6")
		if err != nil {
			return false, err
		}
		for _, a := range addrs {
			if p.Contains(a.Prefix.Addr()) && !a.Has("temporary") {
				sent = true
				return true, nil
			}
		}
		// The first RA may arrive before the link is up: resend.
		sent = false
		return false, nil
	})
	if err != nil {
		t.Fatalf("no public address in %v: %v", p, err)
	}
}

// TestKernelTemporaryCreation compares the kernel's decision to form a
// temporary address, and its lifetimes, with TempManager under the Linux
// profile: none unless the preferred lifetime exceeds REGEN_ADVANCE (5 s by
// default), valid = min(prefix valid, temp_valid_lft), preferred =
// min(prefix preferred, temp_prefered_lft - DESYNC_FACTOR).
func TestKernelTemporaryCreation(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	cases := []struct {
		name             string
		valid, preferred time.Duration
	}{
		{"preferred 5s equals REGEN_ADVANCE", time.Hour, 5 * time.Second},
		{"preferred 6s just above REGEN_ADVANCE", time.Hour, 6 * time.Second},
		{"preferred 8s", time.Hour, 8 * time.Second},
		{"prefix lifetimes longer than temp_*_lft", 24 * time.Hour, 12 * time.Hour},
		{"prefix valid shorter", 500 * time.Second, 400 * time.Second},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			k := tempHost(t, 600, 300)
			waitPublic(t, k, p, tc.valid, tc.preferred, false)
			got := kernelTemps(t, k.host)

			now := time.Unix(0, 0)
			m, err := slaac.NewTempManager(slaac.TempConfig{
				Profile: linuxProfileWith(600*time.Second, 300*time.Second),
				Rand:    rand.NewChaCha8([32]byte{1}),
			})
			if err != nil {
				t.Fatal(err)
			}
			evs, err := m.PrefixInfo(now, p, tc.valid, tc.preferred)
			if err != nil {
				t.Fatal(err)
			}
			if len(evs) != len(got) {
				t.Fatalf("kernel formed %d temporary addresses %v, TempManager %d", len(got), got, len(evs))
			}
			if len(evs) == 0 {
				return
			}
			// The kernel shows remaining seconds; allow for the time
			// between forming and reading.
			const slack = 5 * time.Second
			want := evs[0]
			for _, c := range []struct {
				what       string
				kern, ours time.Duration
			}{
				{"valid", got[0].Valid, want.ValidUntil.Sub(now)},
				{"preferred", got[0].Preferred, want.PreferredUntil.Sub(now)},
			} {
				if c.kern > c.ours || c.kern < c.ours-slack {
					t.Errorf("%s lifetime: kernel %v, TempManager %v", c.what, c.kern, c.ours)
				}
			}
		})
	}
}

// TestKernelTemporaryRegeneration checks regeneration REGEN_ADVANCE before
// deprecation with short kernel lifetimes (temp_prefered_lft 10 s,
// temp_valid_lft 20 s): the replacement appears while the first address is
// still preferred, the first is deprecated later and never extended past its
// creation-time limits, exactly the order TempManager predicts.
func TestKernelTemporaryRegeneration(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	k := tempHost(t, 20, 10)
	waitPublic(t, k, p, time.Hour, 30*time.Minute, true)
	first := kernelTemps(t, k.host)
	if len(first) != 1 {
		t.Fatalf("temporaries after the first RA: %v", first)
	}
	a := first[0].Addr
	start := time.Now()

	// Our prediction, with RAs every 500 ms as sent below.
	now := time.Unix(0, 0)
	m, _ := slaac.NewTempManager(slaac.TempConfig{Profile: linuxProfileWith(20*time.Second, 10*time.Second), Rand: rand.NewChaCha8([32]byte{1})})
	var order []string
	for ; now.Before(time.Unix(12, 0)); now = now.Add(500 * time.Millisecond) {
		evs, err := m.PrefixInfo(now, p, time.Hour, 30*time.Minute)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			order = append(order, fmt.Sprintf("%s@%v", e.Kind, e.Time.Sub(time.Unix(0, 0))))
		}
	}
	// created@0s created@5s ... deprecated@10s: the replacement 5 s
	// (REGEN_ADVANCE) before the first one's deprecation.
	if len(order) < 3 || order[0] != "created@0s" || order[1] != "created@5s" || !slices.Contains(order, "deprecated@10s") {
		t.Fatalf("TempManager predicts %v", order)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	var replacement netip.Addr
	var sawReplacementWhilePreferred bool
	err := lab.WaitFor(ctx, 200*time.Millisecond, func() (bool, error) {
		if err := k.ra.send([]netip.Prefix{p}, time.Hour, 30*time.Minute); err != nil {
			return false, err
		}
		var first *kernelTemp
		ts := kernelTemps(t, k.host)
		for i := range ts {
			if ts[i].Addr == a {
				first = &ts[i]
			}
		}
		if first != nil && !replacement.IsValid() {
			for _, x := range ts {
				if x.Addr != a {
					replacement = x.Addr
					sawReplacementWhilePreferred = !first.Deprecated
				}
			}
		}
		if first == nil {
			return false, fmt.Errorf("first temporary %v vanished before deprecation", a)
		}
		if first.Preferred > 10*time.Second || first.Valid > 20*time.Second {
			return false, fmt.Errorf("first temporary extended: %+v", *first)
		}
		return first.Deprecated, nil
	})
	if err != nil {
		t.Fatalf("waiting for deprecation: %v", err)
	}
	elapsed := time.Since(start)
	if !replacement.IsValid() || !sawReplacementWhilePreferred {
		t.Errorf("replacement %v seen while the first was preferred: %v", replacement, sawReplacementWhilePreferred)
	}
	if elapsed < 7*time.Second {
		t.Errorf("first temporary deprecated after %v, want about 10 s", elapsed)
	}
	if slaac.IIDFrom(replacement).Reserved() || slaac.IIDFrom(a).Reserved() {
		t.Errorf("reserved temporary identifier: %v %v", a, replacement)
	}
}
