package slaac

import (
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestLinux checks vectors read back from a kernel (6.18, x86-64, so
// little-endian) on a veth, whose permanent address is all zero.
func TestLinux(t *testing.T) {
	secret, err := ParseLinuxSecret("2001:db8::1")
	if err != nil {
		t.Fatal(err)
	}
	g := &Linux{Secret: secret, ByteOrder: binary.LittleEndian}
	ll, used, err := g.LinkLocal(0)
	if err != nil || used != 0 {
		t.Fatalf("LinkLocal = %v, %d, %v", ll, used, err)
	}
	if got, want := ll.String(), "fe80::88cf:4891:a68c:e03f"; got != want {
		t.Errorf("LinkLocal(secret 2001:db8::1, veth) = %s, want %s (kernel)", got, want)
	}
	// The IID for fe80::/64 through IID equals LinkLocal.
	got, _, err := addrOf(t, g, "fe80::/64", 0)
	if err != nil || got != ll.String() {
		t.Errorf("IID(fe80::/64) = %s, %v; want %s", got, err, ll)
	}
}

func TestLinuxLimits(t *testing.T) {
	g := &Linux{}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	tests := []struct {
		name string
		g    *Linux
		dad  int
		err  error
	}{
		{name: "counter 3 allowed by default", g: g, dad: 3},
		{name: "counter 4 past idgen_retries", g: g, dad: 4, err: ErrIDGenRetries},
		{name: "idgen_retries 5", g: &Linux{IDGenRetries: 5}, dad: 5},
		{name: "negative", g: g, dad: -1, err: ErrIDGenRetries},
		{name: "perm addr too long", g: &Linux{PermAddr: make(net.HardwareAddr, 33)}, err: ErrMAC},
		{name: "InfiniBand perm addr fits", g: &Linux{PermAddr: make(net.HardwareAddr, 20)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := tt.g.IID(p, tt.dad)
			if !errors.Is(err, tt.err) {
				t.Fatalf("IID error = %v, want %v", err, tt.err)
			}
		})
	}
	if _, _, err := g.IID(netip.MustParsePrefix("2001:db8::/48"), 0); !errors.Is(err, ErrPrefix) {
		t.Errorf("IID(/48) error = %v, want ErrPrefix", err)
	}
}

// TestLinuxBlock checks the block layout and byte order independently of the
// kernel vector: the identifier is H0, H1 of one raw SHA-1 block.
func TestLinuxBlock(t *testing.T) {
	secret, _ := ParseLinuxSecret("2001:db8::1")
	perm := net.HardwareAddr{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	var block [64]byte
	copy(block[:], secret[:])
	pa := p.Addr().As16()
	copy(block[16:], pa[:8])
	copy(block[24:], perm)
	block[56] = 2
	h := sha1Block(&block)
	var le, be IID
	binary.LittleEndian.PutUint32(le[:], h[0])
	binary.LittleEndian.PutUint32(le[4:], h[1])
	binary.BigEndian.PutUint32(be[:], h[0])
	binary.BigEndian.PutUint32(be[4:], h[1])
	native := le
	if binary.NativeEndian.Uint16([]byte{0, 1}) == 1 {
		native = be
	}
	for _, tt := range []struct {
		name  string
		order binary.ByteOrder
		want  IID
	}{{"little-endian", binary.LittleEndian, le}, {"big-endian", binary.BigEndian, be}, {"this host's by default", nil, native}} {
		t.Run(tt.name, func(t *testing.T) {
			g := &Linux{Secret: secret, PermAddr: perm, ByteOrder: tt.order}
			got, used, err := g.IID(p, 2)
			if err != nil || used != 2 {
				t.Fatalf("IID = %v, %d, %v", got, used, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("IID (-want +got):\n%s", diff)
			}
		})
	}
}

func TestLinuxReservedRetry(t *testing.T) {
	g := &Linux{}
	p := netip.MustParsePrefix("2001:db8:1:2::/64").Addr().As16()
	want, _, _ := g.iid(p, 1, linuxReserved)
	calls := 0
	first := func(IID) bool { calls++; return calls == 1 }
	got, used, err := g.iid(p, 0, first)
	if err != nil || used != 1 || got != want {
		t.Fatalf("after a reserved result: %v, %d, %v; want %v, 1", got, used, err, want)
	}
	always := func(IID) bool { return true }
	if _, _, err := g.iid(p, 0, always); !errors.Is(err, ErrIDGenRetries) {
		t.Errorf("all reserved: error %v, want ErrIDGenRetries", err)
	}
}

func TestLinuxReservedSet(t *testing.T) {
	tests := []struct {
		iid  string
		want bool
	}{
		{"::", true},
		{"200:5eff:fe00:5213", true},
		{"200:5eff:ff12:3456", true}, // broader than IANA
		{"200:5eff:fd12:3456", false},
		{"fdff:ffff:ffff:ff80", true},
		{"fdff:ffff:ffff:ff7f", false},
		{"88cf:4891:a68c:e03f", false},
	}
	for _, tt := range tests {
		if got := linuxReserved(mustIID(t, tt.iid)); got != tt.want {
			t.Errorf("linuxReserved(%s) = %v, want %v", tt.iid, got, tt.want)
		}
	}
}
