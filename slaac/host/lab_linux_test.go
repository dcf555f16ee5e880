package host_test

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/ndp"
	"github.com/v6kit/v6kit/slaac"
	"github.com/v6kit/v6kit/slaac/host"
)

// hostMAC is the host's current MAC; its veth has no permanent one.
var hostMAC = net.HardwareAddr{0x02, 0x11, 0x22, 0x33, 0x44, 0x55}

// pair is a host namespace whose eth0 faces a router namespace's eth0.
type pair struct {
	l         *lab.Lab
	host, rtr *lab.Netns
}

func newPair(t *testing.T) *pair {
	t.Helper()
	l := labtest.New(t)
	h, err := l.Namespace("host")
	if err != nil {
		t.Fatal(err)
	}
	r, err := l.Namespace("rtr")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(h, "eth0", r, "eth0"); err != nil {
		t.Fatal(err)
	}
	if err := h.SetMAC("eth0", hostMAC); err != nil {
		t.Fatal(err)
	}
	if err := r.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::1")); err != nil {
		t.Fatal(err)
	}
	return &pair{l: l, host: h, rtr: r}
}

// read runs host.Read and host.ReadLink inside the host namespace.
func (p *pair) read(t *testing.T) (*slaac.Host, *host.Link) {
	t.Helper()
	var h *slaac.Host
	var l *host.Link
	err := p.host.Run(func() error {
		var err error
		if h, err = host.Read("eth0"); err != nil {
			return err
		}
		l, err = host.ReadLink("eth0")
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return h, l
}

// advertise runs ndp.Advertiser on the router with the prefixes (A and L
// set), until the test ends.
func (p *pair) advertise(t *testing.T, prefixes ...netip.Prefix) {
	t.Helper()
	cfg := ndp.AdvertiserConfig{MinInterval: 3 * time.Second, MaxInterval: 4 * time.Second, NotDefault: true}
	for _, pf := range prefixes {
		cfg.Prefixes = append(cfg.Prefixes, ndp.AdvertisedPrefix{Prefix: pf, OnLink: true, Autonomous: true, ValidLifetime: 24 * time.Hour, PreferredLifetime: 12 * time.Hour})
	}
	ifi, err := p.rtr.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var adv *ndp.Advertiser
	if err := p.rtr.Run(func() (err error) { adv, err = ndp.NewAdvertiser(ifi, cfg); return err }); err != nil {
		t.Fatal(err)
	}
	ctx, stop := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- adv.Run(ctx) }()
	t.Cleanup(func() {
		stop()
		if err := <-done; err != nil {
			t.Errorf("advertiser: %v", err)
		}
		adv.Close()
	})
}

// waitUp waits until host's eth0 is up and, unless noLL, its link-local
// address has passed DAD.
func (p *pair) waitUp(t *testing.T, noLL bool) {
	t.Helper()
	if err := p.host.Up("eth0"); err != nil {
		t.Fatal(err)
	}
	if noLL {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		addrs, err := p.host.Addrs("eth0", "inet6")
		for _, a := range addrs {
			if a.Scope == "link" && !a.Has("tentative") {
				return true, err
			}
		}
		return false, err
	})
	if err != nil {
		t.Fatalf("host link-local never formed: %v", err)
	}
}

// settled waits until host's eth0 holds exactly want among its
// non-tentative, non-temporary addresses (link-local included), as `ip`
// shows them, and returns what it saw.
func (p *pair) settled(t *testing.T, want []netip.Addr) []lab.Addr {
	t.Helper()
	want = slices.Clone(want)
	slices.SortFunc(want, netip.Addr.Compare)
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	var last []lab.Addr
	var got []netip.Addr
	err := lab.WaitFor(ctx, 100*time.Millisecond, func() (bool, error) {
		addrs, err := p.host.Addrs("eth0", "inet6")
		if err != nil {
			return false, err
		}
		last, got = addrs, nil
		for _, a := range addrs {
			if !a.Has("tentative") && !a.Has("dadfailed") && !a.Has("temporary") {
				got = append(got, a.Prefix.Addr())
			}
		}
		slices.SortFunc(got, netip.Addr.Compare)
		return slices.Equal(got, want), nil
	})
	if err != nil {
		t.Fatalf("kernel addresses %v never matched the prediction %v: %v; last seen %v", got, want, err, last)
	}
	return last
}

// withTemporaries waits until host's eth0 has n temporary addresses past
// DAD and returns all its addresses.
func (p *pair) withTemporaries(t *testing.T, n int) []lab.Addr {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var last []lab.Addr
	err := lab.WaitFor(ctx, 100*time.Millisecond, func() (bool, error) {
		addrs, err := p.host.Addrs("eth0", "inet6")
		last = addrs
		k := 0
		for _, a := range addrs {
			if a.Has("temporary") && !a.Has("tentative") {
				k++
			}
		}
		return k == n, err
	})
	if err != nil {
		t.Fatalf("never %d temporary addresses: %v; last %v", n, err, last)
	}
	return last
}
