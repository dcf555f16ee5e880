//go:build linux

// Package labtest is internal/lab for tests: a Lab that skips without root
// and cleans up in t.Cleanup, the two-namespace pair most interop tests
// start from, and a private LXD or Incus. It is the only place the lab meets
// the testing package, so programs built on internal/lab link no test code.
package labtest

import (
	"context"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// New makes a Lab for a test: it skips unless root on Linux (failing under
// V6KIT_REQUIRE_PEERS=1), needs the ip command, and removes everything in
// t.Cleanup. On failure the logs of the Lab's daemons are printed.
func New(t testing.TB) *lab.Lab {
	t.Helper()
	sdktest.RequireRoot(t)
	sdktest.RequireCommands(t, "ip")
	l, err := lab.Open()
	if err != nil {
		t.Fatalf("lab: %v", err)
	}
	t.Cleanup(func() {
		if t.Failed() {
			if logs := l.Logs(); logs != "" {
				t.Log(logs)
			}
		}
		if err := l.Close(); err != nil {
			t.Errorf("lab: cleanup: %v", err)
		}
	})
	return l
}

// The pair's fixed addresses, so tests can name their peer.
var (
	PairMACA = net.HardwareAddr{0x02, 0x00, 0x5e, 0x10, 0x00, 0x01}
	PairMACB = net.HardwareAddr{0x02, 0x00, 0x5e, 0x10, 0x00, 0x02}
	PairLLA  = netip.MustParseAddr("fe80::1")
	PairLLB  = netip.MustParseAddr("fe80::2")
)

// Pair makes two namespaces named a and b joined by a veth pair whose ends
// are both called eth0, up, with MACs [PairMACA] and [PairMACB] and the
// static link-locals [PairLLA] (fe80::1) and [PairLLB] (fe80::2), already
// past duplicate address detection.
func Pair(t testing.TB, l *lab.Lab, a, b string) (*lab.Netns, *lab.Netns) {
	t.Helper()
	na, err := l.Namespace(a)
	if err != nil {
		t.Fatal(err)
	}
	nb, err := l.Namespace(b)
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(na, "eth0", nb, "eth0"); err != nil {
		t.Fatal(err)
	}
	for _, end := range []struct {
		ns  *lab.Netns
		mac net.HardwareAddr
		ll  netip.Addr
	}{{na, PairMACA, PairLLA}, {nb, PairMACB, PairLLB}} {
		if err := end.ns.SetMAC("eth0", end.mac); err != nil {
			t.Fatal(err)
		}
		if err := end.ns.StaticLinkLocal("eth0", end.ll); err != nil {
			t.Fatal(err)
		}
	}
	return na, nb
}

// StartLXD is l.StartLXD for tests: it skips (or fails under
// V6KIT_REQUIRE_PEERS=1) without lxd and lxc, and fails on error.
func StartLXD(t testing.TB, l *lab.Lab) *lab.LXD {
	t.Helper()
	sdktest.RequireCommands(t, "lxd", "lxc")
	x, err := l.StartLXD()
	if err != nil {
		t.Fatal(err)
	}
	return x
}

// RunLXD is x.Run for tests, with a generous deadline; it fails t on error.
func RunLXD(t testing.TB, x *lab.LXD, stdin string, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 150*time.Second)
	defer cancel()
	out, err := x.Run(ctx, stdin, name, args...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
