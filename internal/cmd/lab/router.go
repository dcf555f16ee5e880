//go:build linux

package labcmd

import (
	"context"
	"fmt"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/ndp"
)

// raConfig is what the LAN router advertises: a global and a ULA /64,
// RDNSS, DNSSL and the lab's NAT64 prefix, so the LAN is ready to go
// IPv6-mostly.
func raConfig() ndp.AdvertiserConfig {
	return ndp.AdvertiserConfig{
		MaxInterval: 30 * time.Second,
		Preference:  ndp.PreferenceHigh,
		Prefixes: []ndp.AdvertisedPrefix{
			{Prefix: lanPrefix, OnLink: true, Autonomous: true},
			{Prefix: lanULA, OnLink: true, Autonomous: true},
		},
		RDNSS:  []netip.Addr{routerLANAddr},
		DNSSL:  []string{"home.arpa"},
		PREF64: pref64,
	}
}

// startRA makes the router advertise on the LAN: with our Advertiser, or
// with radvd when peers is set (radvd 2.19 cannot send PREF64).
func (n *network) startRA(peers bool) (source string, err error) {
	n.raAt = time.Now()
	if peers && haveCommand("radvd") {
		n.raSource = "radvd"
		return n.raSource, n.startRadvd()
	}
	ifi, err := n.router.Interface("eth0")
	if err != nil {
		return "", err
	}
	cfg := raConfig()
	switch n.brk {
	case "no-rdnss":
		cfg.RDNSS = nil
	case "short-pref64":
		// PREF64 keeps 3 × MaxInterval (96 s); the router stays default
		// for 30 minutes.
		cfg.RouterLifetime = 1800 * time.Second
	}
	var adv *ndp.Advertiser
	if err := n.router.Run(func() error {
		var err error
		adv, err = ndp.NewAdvertiser(ifi, cfg)
		return err
	}); err != nil {
		return "", err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- adv.Run(ctx) }()
	n.onStop(func() { cancel(); <-done; adv.Close() })
	n.raSource = "v6kit ndp advertiser"
	return n.raSource, nil
}

func (n *network) startRadvd() error {
	conf := filepath.Join(n.l.Dir, "radvd.conf")
	var b strings.Builder
	fmt.Fprintf(&b, "interface eth0 {\n  AdvSendAdvert on;\n  MinRtrAdvInterval 3;\n  MaxRtrAdvInterval 30;\n  AdvDefaultPreference high;\n")
	for _, p := range []string{lanPrefix.String(), lanULA.String()} {
		// The same lifetimes as our advertiser, so both labs form the
		// same temporary-address schedule.
		fmt.Fprintf(&b, "  prefix %s { AdvOnLink on; AdvAutonomous on; AdvValidLifetime %d; AdvPreferredLifetime %d; };\n",
			p, int(ndp.DefaultValidLifetime/time.Second), int(ndp.DefaultPreferredLifetime/time.Second))
	}
	if n.brk != "no-rdnss" {
		fmt.Fprintf(&b, "  RDNSS %s { };\n", routerLANAddr)
	}
	b.WriteString("  DNSSL home.arpa { };\n};\n")
	if err := os.WriteFile(conf, []byte(b.String()), 0o644); err != nil {
		return err
	}
	_, err := n.router.Start(lab.DaemonSpec{
		Name: "radvd",
		Args: []string{"radvd", "-n", "-C", conf, "-p", filepath.Join(n.l.Dir, "radvd.pid"), "-m", "stderr", "-d", "1"},
		Ready: func(d *lab.Daemon) (bool, error) {
			_, err := os.Stat(filepath.Join(n.l.Dir, "radvd.pid"))
			return err == nil, nil
		},
	})
	return err
}
