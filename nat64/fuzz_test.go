package nat64

import (
	"bytes"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzSynthesizeExtract: for every RFC 6052 length, extracting what was
// synthesised gives the IPv4 address back, the u octet is zero, and the
// address stays inside the prefix.
func FuzzSynthesizeExtract(f *testing.F) {
	f.Add([]byte{0x20, 0x01, 0x0d, 0xb8, 0x01, 0x22, 0x03, 0x44, 0, 0, 0, 0}, uint8(5), []byte{192, 0, 2, 33})
	f.Add([]byte{0, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}, uint8(5), []byte{192, 0, 0, 170})
	f.Add([]byte{0x20, 0x01, 0x0d, 0xb8, 0, 0x64, 0xff, 0, 1, 0, 0, 0}, uint8(5), []byte{1, 2, 3, 4}) // u octet set: invalid /96
	f.Fuzz(func(t *testing.T, prefix []byte, lenIdx uint8, v4b []byte) {
		var b [16]byte
		copy(b[:], prefix)
		bits := PrefixLengths[int(lenIdx)%len(PrefixLengths)]
		p := netip.PrefixFrom(netip.AddrFrom16(b), bits).Masked()
		var v [4]byte
		copy(v[:], v4b)
		v4 := netip.AddrFrom4(v)
		a, err := Synthesize(p, v4)
		if err != nil {
			if CheckPrefix(p) == nil {
				t.Fatalf("Synthesize(%s, %s) = %v for a valid prefix", p, v4, err)
			}
			return
		}
		if a16 := a.As16(); a16[uOctet] != 0 || !p.Contains(a) {
			t.Fatalf("Synthesize(%s, %s) = %s: u octet %#x, inside %v", p, v4, a, a16[uOctet], p.Contains(a))
		}
		back, err := Extract(p, a)
		if err != nil || back != v4 {
			t.Fatalf("Extract(%s, %s) = %v, %v; want %s", p, a, back, err, v4)
		}
		// And the RFC 7050 matcher finds the prefix in the synthesised
		// well-known addresses.
		var aaaa []netip.Addr
		for _, w := range WellKnownAddrs {
			x, _ := Synthesize(p, w)
			aaaa = append(aaaa, x)
		}
		ps, err := PrefixesFrom(aaaa)
		if err == nil && (len(ps) != 1 || ps[0] != p) {
			t.Fatalf("PrefixesFrom(%v) = %v, want [%s]", aaaa, ps, p)
		}
	})
}

// FuzzParseAnswer: a response that parses re-encodes to one that parses to
// the same answer (addresses, TTL, codes; the name may be normalised once),
// and encoding twice gives the same bytes.
func FuzzParseAnswer(f *testing.F) {
	for _, a := range []Answer{
		{ID: 0x1234, Name: "ipv4only.arpa.", Type: TypeAAAA, Addrs: []netip.Addr{netip.MustParseAddr("64:ff9b::c000:aa"), netip.MustParseAddr("64:ff9b::c000:ab")}, TTL: 300 * time.Second},
		{ID: 1, Name: "a-only.example.", Type: TypeA, Addrs: []netip.Addr{netip.MustParseAddr("198.51.100.2")}, TTL: time.Minute},
		{ID: 2, Name: "nosuch.example.", Type: TypeAAAA, RCode: RCodeNXDomain},
		{ID: 3, Name: "big.example.", Type: TypeAAAA, Truncated: true},
	} {
		b, err := a.MarshalBinary()
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		a1, err := ParseAnswer(b)
		if err != nil {
			return
		}
		b2, err := a1.MarshalBinary()
		if err != nil {
			return // a name the builder refuses (not canonical after lower-casing, say)
		}
		a2, err := ParseAnswer(b2)
		if err != nil {
			t.Fatalf("re-encoded answer does not parse: %v\n% x", err, b2)
		}
		if a2.ID != a1.ID || a2.Type != a1.Type || a2.RCode != a1.RCode || a2.Truncated != a1.Truncated ||
			!cmp.Equal(a1.Addrs, a2.Addrs, cmp.Comparer(func(x, y netip.Addr) bool { return x == y })) {
			t.Fatalf("round trip:\n%+v\n%+v", a1, a2)
		}
		if len(a1.Addrs) > 0 && a2.TTL != a1.TTL.Truncate(time.Second) {
			t.Fatalf("TTL %v became %v", a1.TTL, a2.TTL)
		}
		b3, err := a2.MarshalBinary()
		if err != nil {
			t.Fatal(err)
		}
		a3, err := ParseAnswer(b3)
		if err != nil || a3.Name != a2.Name {
			t.Fatalf("second round trip: %+v, %v", a3, err)
		}
		b4, _ := a3.MarshalBinary()
		if !bytes.Equal(b3, b4) {
			t.Fatalf("encoding twice differs:\n% x\n% x", b3, b4)
		}
	})
}

// FuzzPrefixesFrom: whatever the answers, every prefix found is valid and
// synthesises both well-known addresses to records of the answer.
func FuzzPrefixesFrom(f *testing.F) {
	seed := func(ss ...string) []byte {
		var b []byte
		for _, s := range ss {
			a := netip.MustParseAddr(s).As16()
			b = append(b, a[:]...)
		}
		return b
	}
	f.Add(seed("64:ff9b::c000:aa", "64:ff9b::c000:ab"))
	f.Add(seed("2001:db8:64:ff00:c0:0:aa00:0", "2001:db8:64:ff00:c0:0:ab00:0", "2001:db8::1"))
	f.Add(seed("2001:db8:c000:aa::c000:aa", "2001:db8:c000:aa::c000:ab"))
	f.Fuzz(func(t *testing.T, b []byte) {
		var aaaa []netip.Addr
		for len(b) >= 16 {
			aaaa = append(aaaa, netip.AddrFrom16([16]byte(b[:16])))
			b = b[16:]
		}
		ps, err := PrefixesFrom(aaaa)
		if err != nil {
			return
		}
		if len(ps) == 0 {
			t.Fatal("no error and no prefix")
		}
		for _, p := range ps {
			if err := CheckPrefix(p); err != nil {
				t.Fatalf("found %s: %v", p, err)
			}
			for _, w := range WellKnownAddrs {
				x, _ := Synthesize(p, w)
				found := false
				for _, a := range aaaa {
					if v, ok := extract(p, a); ok && v == w && p.Contains(a) && p.Contains(x) {
						found = true
					}
				}
				if !found {
					t.Fatalf("prefix %s: no record embeds %s (%v)", p, w, aaaa)
				}
			}
		}
	})
}
