package nat64

import (
	"errors"
	"net/netip"
	"testing"
)

// rfc6052Examples is the table of RFC 6052, Section 2.4: 192.0.2.33 under
// a prefix of every length.
var rfc6052Examples = []struct{ prefix, addr string }{
	{"2001:db8::/32", "2001:db8:c000:221::"},
	{"2001:db8:100::/40", "2001:db8:1c0:2:21::"},
	{"2001:db8:122::/48", "2001:db8:122:c000:2:2100::"},
	{"2001:db8:122:300::/56", "2001:db8:122:3c0:0:221::"},
	{"2001:db8:122:344::/64", "2001:db8:122:344:c0:2:2100:0"},
	{"2001:db8:122:344::/96", "2001:db8:122:344::192.0.2.33"},
	{"64:ff9b::/96", "64:ff9b::192.0.2.33"},
}

func TestSynthesizeExtractRFC6052Examples(t *testing.T) {
	v4 := netip.MustParseAddr("192.0.2.33")
	for _, tt := range rfc6052Examples {
		t.Run(tt.prefix, func(t *testing.T) {
			p, want := netip.MustParsePrefix(tt.prefix), netip.MustParseAddr(tt.addr)
			got, err := Synthesize(p, v4)
			if err != nil || got != want {
				t.Fatalf("Synthesize(%s, %s) = %v, %v; want %s", p, v4, got, err, want)
			}
			if b := got.As16(); b[uOctet] != 0 {
				t.Errorf("u octet of %s is %#x, want 0", got, b[uOctet])
			}
			back, err := Extract(p, got)
			if err != nil || back != v4 {
				t.Errorf("Extract(%s, %s) = %v, %v; want %s", p, got, back, err, v4)
			}
		})
	}
}

func TestCheckPrefix(t *testing.T) {
	for _, tt := range []struct {
		name, prefix string
		ok           bool
	}{
		{"well-known", "64:ff9b::/96", true},
		{"local-use /48 (RFC 8215)", "64:ff9b:1::/48", true},
		{"/32", "2001:db8::/32", true},
		{"/64", "2001:db8:64:ff00::/64", true},
		{"/33 is not RFC 6052", "2001:db8::/33", false},
		{"/128", "2001:db8::1/128", false},
		{"/0", "::/0", false},
		{"host bits", "2001:db8::1/64", false},
		{"/96 with the u octet set", "2001:db8:0:0:100::/96", false},
		{"IPv4", "192.0.2.0/24", false},
		{"IPv4-mapped", "::ffff:0:0/96", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			p, err := netip.ParsePrefix(tt.prefix)
			if err != nil {
				t.Fatal(err)
			}
			err = CheckPrefix(p)
			if (err == nil) != tt.ok || (err != nil && !errors.Is(err, ErrInvalidPrefix)) {
				t.Errorf("CheckPrefix(%s) = %v, want ok=%v (ErrInvalidPrefix otherwise)", p, err, tt.ok)
			}
			if _, err := Synthesize(p, netip.MustParseAddr("192.0.2.1")); (err == nil) != tt.ok {
				t.Errorf("Synthesize under %s: %v, want ok=%v", p, err, tt.ok)
			}
		})
	}
	if err := CheckPrefix(netip.Prefix{}); !errors.Is(err, ErrInvalidPrefix) {
		t.Errorf("CheckPrefix(zero) = %v", err)
	}
}

func TestExtractRefuses(t *testing.T) {
	p := netip.MustParsePrefix("2001:db8:122:344::/64")
	for _, tt := range []struct{ name, addr string }{
		{"outside the prefix", "2001:db8:122:345:c0:2:2100:0"},
		{"u octet set", "2001:db8:122:344:1c0:2:2100:0"},
		{"IPv4", "192.0.2.33"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if v4, err := Extract(p, netip.MustParseAddr(tt.addr)); !errors.Is(err, ErrNotEmbedded) {
				t.Errorf("Extract(%s, %s) = %v, %v; want ErrNotEmbedded", p, tt.addr, v4, err)
			}
		})
	}
	// The suffix is reserved, not checked: a non-zero one still extracts.
	if v4, err := Extract(p, netip.MustParseAddr("2001:db8:122:344:c0:2:2100:1")); err != nil || v4 != netip.MustParseAddr("192.0.2.33") {
		t.Errorf("Extract with a suffix = %v, %v", v4, err)
	}
	if _, err := Synthesize(p, netip.MustParseAddr("2001:db8::1")); err == nil {
		t.Error("Synthesize took an IPv6 address as IPv4")
	}
	if a, err := Synthesize(WellKnownPrefix, netip.MustParseAddr("::ffff:192.0.2.33")); err != nil || a != netip.MustParseAddr("64:ff9b::192.0.2.33") {
		t.Errorf("Synthesize(IPv4-mapped) = %v, %v", a, err)
	}
}

func TestNoAllocs(t *testing.T) {
	v4 := netip.MustParseAddr("198.51.100.7")
	for _, tt := range rfc6052Examples {
		p := netip.MustParsePrefix(tt.prefix)
		a, _ := Synthesize(p, v4)
		if n := testing.AllocsPerRun(100, func() {
			_, _ = Synthesize(p, v4)
			_, _ = Extract(p, a)
		}); n != 0 {
			t.Errorf("%s: %v allocations per Synthesize+Extract, want 0", p, n)
		}
	}
}

func TestNonGlobal(t *testing.T) {
	for _, tt := range []struct {
		addr string
		want bool
	}{
		{"192.168.1.1", true}, {"10.1.2.3", true}, {"198.51.100.2", true}, {"192.0.2.1", true},
		{"100.64.0.1", true}, {"8.8.8.8", false}, {"1.1.1.1", false}, {"2001:db8::1", false},
	} {
		if got := NonGlobal(netip.MustParseAddr(tt.addr)); got != tt.want {
			t.Errorf("NonGlobal(%s) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}
