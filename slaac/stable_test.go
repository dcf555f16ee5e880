package slaac

import (
	"crypto/sha256"
	"errors"
	"net"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func mustIID(t testing.TB, s string) IID {
	t.Helper()
	iid, err := ParseIID(s)
	if err != nil {
		t.Fatal(err)
	}
	return iid
}

func addrOf(t testing.TB, g Generator, prefix string, dad int) (string, int, error) {
	t.Helper()
	p := netip.MustParsePrefix(prefix)
	iid, used, err := g.IID(p, dad)
	if err != nil {
		return "", used, err
	}
	a, err := Addr(p, iid)
	if err != nil {
		t.Fatal(err)
	}
	return a.String(), used, nil
}

func TestRFC7217(t *testing.T) {
	secret := []byte("0123456789abcdef")
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	pa := p.Addr().As16()
	input := append(append(append(append(pa[:8:8], "eth0"...), "net"...), 1), secret...)
	sum := sha256.Sum256(input)
	g := RFC7217{Secret: secret, NetIface: []byte("eth0"), NetworkID: []byte("net")}
	got, used, err := g.IID(p, 1)
	if err != nil || used != 1 {
		t.Fatalf("IID = %v, %d, %v", got, used, err)
	}
	if diff := cmp.Diff(IID(sum[:8]), got); diff != "" {
		t.Errorf("IID (-want +got):\n%s", diff)
	}

	// A PRF whose first output is reserved: the counter moves on.
	calls := 0
	prf := func(b []byte) []byte {
		calls++
		if calls == 1 {
			return make([]byte, 32) // subnet-router anycast
		}
		return SHA256(b)
	}
	g2 := g
	g2.PRF = prf
	got2, used2, err := g2.IID(p, 0)
	if err != nil || used2 != 1 || got2 != got {
		t.Errorf("after reserved: %v, %d, %v; want %v, 1", got2, used2, err, got)
	}
	for _, tt := range []struct {
		name string
		g    RFC7217
		dad  int
		err  error
	}{
		{"short secret", RFC7217{Secret: []byte("short")}, 0, ErrSecret},
		{"counter past retries", g, 4, ErrIDGenRetries},
		{"always reserved", RFC7217{Secret: secret, PRF: func([]byte) []byte { return make([]byte, 8) }}, 0, ErrIDGenRetries},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := tt.g.IID(p, tt.dad); !errors.Is(err, tt.err) {
				t.Errorf("error = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestForm(t *testing.T) {
	secret, _ := ParseLinuxSecret("2001:db8::1")
	g := &Linux{Secret: secret}
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	var want [4]netip.Addr
	for i := range want {
		iid, _, err := g.IID(p, i)
		if err != nil {
			t.Fatal(err)
		}
		want[i], _ = Addr(p, iid)
	}
	tests := []struct {
		name      string
		conflicts int
		want      netip.Addr
		used      int
		err       error
	}{
		{"no conflict", 0, want[0], 0, nil},
		{"one conflict", 1, want[1], 1, nil},
		{"two conflicts", 2, want[2], 2, nil},
		{"three conflicts", 3, want[3], 3, nil},
		{"four conflicts exhaust idgen_retries", 4, netip.Addr{}, 4, ErrIDGenRetries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := 0
			got, used, err := Form(g, p, func(netip.Addr) bool { n++; return n <= tt.conflicts })
			if !errors.Is(err, tt.err) {
				t.Fatalf("error = %v, want %v", err, tt.err)
			}
			if got != tt.want || used != tt.used {
				t.Errorf("Form = %v, %d; want %v, %d", got, used, tt.want, tt.used)
			}
		})
	}
}

func TestNoAllocs(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8:1:2::/64")
	secret, _ := ParseLinuxSecret("2001:db8::1")
	gens := map[string]Generator{
		"linux":    &Linux{Secret: secret},
		"nm":       &NetworkManager{NetworkID: "6b138152-9f3e-4b97-aaf7-e6e553f2a24e", IfName: "eth0", HostID: make([]byte, 32)},
		"networkd": &Networkd{IfName: "eth0", MAC: net.HardwareAddr{0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc}},
		"rfc7217":  RFC7217{Secret: make([]byte, 16), NetIface: []byte("eth0"), NetworkID: []byte("home")},
	}
	for name, g := range gens {
		if n := testing.AllocsPerRun(100, func() { _, _, _ = g.IID(p, 0) }); n != 0 {
			t.Errorf("%s: %v allocations per IID, want 0", name, n)
		}
	}
}
