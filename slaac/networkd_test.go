package slaac

import (
	"bytes"
	"encoding/hex"
	"errors"
	"net"
	"net/netip"
	"testing"
)

// TestNetworkd runs systemd's integration-test vector
// (test/test-network/conf/25-ipv6-prefix-veth-token-prefixstable.network:
// Token=prefixstable:2002:da8:1::,86b123b969ba4b7eb8b3d8605123525a on veth99
// with MAC 12:34:56:78:9a:bc).
func TestNetworkd(t *testing.T) {
	key, _ := hex.DecodeString("86b123b969ba4b7eb8b3d8605123525a")
	g := &Networkd{Key: [16]byte(key), IfName: "veth99", MAC: net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}}
	got, used, err := addrOf(t, g, "2002:da8:1::/64", 0)
	if err != nil || used != 0 {
		t.Fatalf("IID: %v, %d, %v", got, used, err)
	}
	if want := "2002:da8:1:0:b47e:7975:fc7a:7d6e"; got != want {
		t.Errorf("address = %s, want %s", got, want)
	}
	for _, tt := range []struct {
		prefix string
		err    error
	}{
		{"::/64", ErrNoAddress},
		{"200:5eff:fe00::/64", ErrNoAddress},
		{"fdff:ffff:ffff:ff80::/64", ErrNoAddress},
		{"fdff:ffff:ffff:ff00::/64", nil},
		{"200:5eff:ff00::/64", nil},
	} {
		if _, _, err := g.IID(netip.MustParsePrefix(tt.prefix), 0); !errors.Is(err, tt.err) {
			t.Errorf("IID(%s) error = %v, want %v", tt.prefix, err, tt.err)
		}
	}
	if _, _, err := g.IID(netip.MustParsePrefix("2002:da8:1::/64"), 3); !errors.Is(err, ErrIDGenRetries) {
		t.Errorf("counter 3: error %v, want ErrIDGenRetries", err)
	}
}

func TestMachineAppSpecific(t *testing.T) {
	mid, err := ParseMachineID("0123456789abcdef0123456789abcdef")
	if err != nil {
		t.Fatal(err)
	}
	k := NetworkdKey(mid)
	if k[6]>>4 != 4 || k[8]>>6 != 2 {
		t.Errorf("NetworkdKey %x is not a v4 UUID", k)
	}
	if NetworkdKey(mid) == MachineAppSpecific(mid, NetworkdDHCPPDAppID) {
		t.Error("NDisc and DHCP-PD keys are equal")
	}
	s := NetworkdLinkLocalSecret(mid, "eth0")
	if s == NetworkdLinkLocalSecret(mid, "eth1") {
		t.Error("link-local secrets of eth0 and eth1 are equal")
	}
}

// TestNetworkdLinkLocalSecret checks the stable_secret systemd-networkd 252
// wrote for eth0 with machine ID 3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b (read back
// from the sysctl in a namespace).
func TestNetworkdLinkLocalSecret(t *testing.T) {
	mid, _ := ParseMachineID("3d1a0c6b5f2e4a7f9c8b7a6d5e4f3a2b")
	s := NetworkdLinkLocalSecret(mid, "eth0")
	if got, want := netip.AddrFrom16(s).String(), "d6f9:78e0:4f1b:1b5c:bd6a:9e84:b73a:ec66"; got != want {
		t.Errorf("NetworkdLinkLocalSecret = %s, want %s", got, want)
	}
}

// TestParseNetworkdNetworkOffset: a bad value's ParseError points at the
// byte that is wrong, not at its line.
func TestParseNetworkdNetworkOffset(t *testing.T) {
	b := []byte("[IPv6AcceptRA]\nToken= static:zz\n")
	_, err := ParseNetworkdNetwork(b)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Fatalf("ParseNetworkdNetwork = %v, want a *ParseError", err)
	}
	if want := bytes.Index(b, []byte("zz")); pe.Offset != want {
		t.Errorf("offset %d (%q), want %d (%q)", pe.Offset, b[pe.Offset:], want, b[want:])
	}
}
