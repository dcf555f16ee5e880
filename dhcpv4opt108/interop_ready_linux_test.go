package dhcpv4opt108_test

import (
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	mdndp "github.com/mdlayher/ndp"
	"github.com/v6kit/v6kit/dhcpv4opt108"
	v6onlyserver "github.com/v6kit/v6kit/internal/cmd/v6only-server"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// TestInteropAcquire runs the client flow on nclient4: a malformed 108 is
// ignored (DISCOVER, REQUEST, lease); a valid one stops before REQUEST.
func TestInteropAcquire(t *testing.T) {
	tests := []struct {
		name     string
		v108     []byte
		v6only   bool
		requests int
	}{
		{name: "malformed 108: lease", v108: []byte{0, 0, 7, 8, 0}, requests: 1},
		{name: "valid 108: IPv6-only", v108: []byte{0, 0, 7, 8}, v6only: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dl := newDHCPLink(t)
			startTestServer(t, dl, oddServer(tt.v108, false))
			cp := startCapture(t, dl.cli, "eth0")
			c := newClient(t, dl)
			r, err := dhcpv4opt108.Acquire(waitCtx(t, 30*time.Second), c, true)
			if err != nil {
				t.Fatal(err)
			}
			cp.sync(t)
			if r.V6Only() != tt.v6only || len(cp.messages(dhcpv4.MessageTypeRequest)) != tt.requests {
				t.Errorf("result %v; capture:\n%s", r, cp.summary())
			}
			for _, m := range cp.messages(dhcpv4.MessageTypeRequest) {
				if !dhcpv4opt108.Requested(m) {
					t.Errorf("a capable client's REQUEST does not ask for 108")
				}
			}
		})
	}
}

// startRouter answers every Router Solicitation on the server's eth0 with
// an RA carrying PREF64 64:ff9b::/96 and RDNSS 2001:db8:1:2::53 (radvd
// 2.19 here predates its nat64prefix).
func startRouter(t *testing.T, dl *dhcpLink) {
	t.Helper()
	var c *mdndp.Conn
	if err := dl.srv.Run(func() error {
		ifi, err := net.InterfaceByName("eth0")
		if err != nil {
			return err
		}
		if c, _, err = mdndp.Listen(ifi, mdndp.LinkLocal); err != nil {
			return err
		}
		return c.JoinGroup(netip.MustParseAddr("ff02::2"))
	}); err != nil {
		t.Fatal(err)
	}
	ra := &mdndp.RouterAdvertisement{
		CurrentHopLimit: 64, RouterLifetime: 30 * time.Minute,
		Options: []mdndp.Option{
			&mdndp.PREF64{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 1800 * time.Second},
			&mdndp.RecursiveDNSServer{Lifetime: time.Hour, Servers: []netip.Addr{netip.MustParseAddr("2001:db8:1:2::53")}},
		},
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			m, _, _, err := c.ReadFrom()
			if err != nil {
				return
			}
			if _, ok := m.(*mdndp.RouterSolicitation); ok {
				_ = c.WriteTo(ra, nil, netip.MustParseAddr("ff02::1"))
			}
		}
	}()
	t.Cleanup(func() {
		c.Close()
		<-done
	})
}

// TestInteropReady is the whole check: our server with -zero-yiaddr and a
// router advertising PREF64 and RDNSS make the probe say "ready".
func TestInteropReady(t *testing.T) {
	dl := newDHCPLink(t)
	startOurServer(t, dl, v6onlyserver.Options{V6OnlyWait: 1800, ZeroYIAddr: true})
	startRouter(t, dl)
	rep := probeRA(t, dl, time.Second)
	checkReport(t, rep, "0.0.0.0", true, float64(1800), float64(1800))
	if fmt.Sprint(rep["pref64"]) != "[64:ff9b::/96]" || fmt.Sprint(rep["rdnss"]) != "[2001:db8:1:2::53]" || rep["ready"] != true {
		t.Errorf("pref64 %v rdnss %v ready %v, want [64:ff9b::/96] [2001:db8:1:2::53] true", rep["pref64"], rep["rdnss"], rep["ready"])
	}
}

// TestInteropNetworkdProbe runs systemd-networkd 252's DHCP server with the
// NetworkdSendOption snippet (252 predates IPv6OnlyPreferredSec=), in a
// private mount namespace as PEERS.md describes.
func TestInteropNetworkdProbe(t *testing.T) {
	sdktest.RequireCommands(t, "/lib/systemd/systemd-networkd", "unshare", "mount")
	dl := newDHCPLink(t)
	dir := dl.l.Dir
	// The server end gets its address from networkd itself.
	if err := dl.srv.IP("addr", "flush", "dev", "eth0", "scope", "global"); err != nil {
		t.Fatal(err)
	}
	snippet := render(t, dhcpv4opt108.NetworkdSendOption, 1800)
	network := "[Match]\nName=eth0\n\n[Network]\nAddress=192.0.2.1/24\nDHCPServer=yes\nLinkLocalAddressing=no\nIPv6AcceptRA=no\n\n" +
		strings.Replace(snippet, "[DHCPServer]\n", "[DHCPServer]\nPoolOffset=100\nPoolSize=50\n", 1)
	writeFile(t, filepath.Join(dir, "eth0.network"), network, 0o644)
	writeFile(t, filepath.Join(dir, "machine-id"), "0123456789abcdef0123456789abcdef\n", 0o444)
	sh := "set -e; mount -t tmpfs v6kit-run-systemd /run/systemd; mkdir -p /run/systemd/network /run/systemd/netif; " +
		"chown systemd-network:systemd-network /run/systemd/netif; " +
		"mount -t tmpfs v6kit-etc-network /etc/systemd/network; " +
		"cp " + filepath.Join(dir, "eth0.network") + " /run/systemd/network/; " +
		"mount --bind " + filepath.Join(dir, "machine-id") + " /etc/machine-id; " +
		"mount -o remount,ro /sys; exec /lib/systemd/systemd-networkd"
	_, err := dl.srv.Start(lab.DaemonSpec{
		Name: "systemd-networkd",
		Args: []string{"unshare", "-m", "--propagation", "private", "sh", "-c", sh},
		Env:  []string{"SYSTEMD_LOG_LEVEL=debug", "SYSTEMD_LOG_TARGET=console"},
		Ready: func(d *lab.Daemon) (bool, error) {
			return strings.Contains(d.Log(), "DHCPv4 server: STARTED") || strings.Contains(d.Log(), "Starting DHCPv4 server"), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	checkReport(t, probe(t, dl), "192.0.2.1", true, float64(1800), float64(1800))
	// SendOption= is unconditional: networkd 252 sends 108 to a client that
	// did not ask, which RFC 8925, Section 3.3 forbids. Pinned here so the
	// warning on NetworkdSendOption stays true.
	if p := legacyOffer(t, dl); p != dhcpv4opt108.Valid {
		t.Errorf("networkd 252 sent 108 %v to a client that did not ask; want valid (unconditional SendOption=)", p)
	}
}

// newClient opens an nclient4 client on eth0 of the client namespace,
// closed when the test ends.
func newClient(t *testing.T, dl *dhcpLink) *nclient4.Client {
	t.Helper()
	var c *nclient4.Client
	if err := dl.cli.Run(func() error {
		var err error
		c, err = nclient4.New("eth0", nclient4.WithTimeout(2*time.Second), nclient4.WithRetry(10))
		return err
	}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// legacyOffer sends a DISCOVER that does not ask for 108 from the client
// namespace and returns option 108 of the OFFER.
func legacyOffer(t *testing.T, dl *dhcpLink) dhcpv4opt108.Presence {
	t.Helper()
	c := newClient(t, dl)
	offer, err := c.DiscoverOffer(waitCtx(t, 30*time.Second))
	if err != nil {
		t.Fatalf("legacy DISCOVER: %v", err)
	}
	_, p := dhcpv4opt108.Lookup(offer)
	return p
}
