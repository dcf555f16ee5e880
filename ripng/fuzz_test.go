package ripng

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func FuzzMessage(f *testing.F) {
	// Whole-table request: command 1, version 1, ::/0 metric 16.
	f.Add(join([]byte{1, 1, 0, 0}, addr16("::"), []byte{0, 0, 0, 16}))
	// Response: 2001:db8:1::/48 tag 0x1234 metric 1, next hop fe80::1,
	// 2001:db8:2::/64 metric 16.
	f.Add(join([]byte{2, 1, 0, 0},
		addr16("2001:db8:1::"), []byte{0x12, 0x34, 48, 1},
		addr16("fe80::1"), []byte{0, 0, 0, 0xff},
		addr16("2001:db8:2::"), []byte{0, 0, 64, 16}))
	// Next hop with junk tag and length, global next hop (read as ::).
	f.Add(join([]byte{2, 1, 0, 0}, addr16("2001:db8::1"), []byte{1, 2, 3, 0xff}))
	// Bad: version 2, host bits, prefix length 129, trailing byte.
	f.Add([]byte{2, 2, 0, 0})
	f.Add(join([]byte{2, 1, 0, 0}, addr16("2001:db8::1"), []byte{0, 0, 64, 1}))
	f.Add(join([]byte{2, 1, 0, 0}, addr16("2001:db8::"), []byte{0, 0, 129, 1}, []byte{0}))
	f.Add(fullPacket(f))

	f.Fuzz(func(t *testing.T, b []byte) {
		// The iterator never panics, whatever it is given.
		var d Decoder
		_ = d.Reset(b)
		n := 0
		for d.Next() {
			_, _ = d.Entry()
			_ = d.PrefixLen()
			n++
		}
		if d.Err() == nil && n != d.Len() {
			t.Fatalf("walked %d entries, Len says %d", n, d.Len())
		}

		var m Message
		if err := m.UnmarshalBinary(b); err != nil {
			return
		}
		b1, err := m.MarshalBinary()
		if err != nil {
			t.Fatalf("accepted %x but cannot marshal %+v: %v", b, m, err)
		}
		var m2 Message
		if err := m2.UnmarshalBinary(b1); err != nil {
			t.Fatalf("cannot parse own output %x: %v", b1, err)
		}
		if diff := cmp.Diff(m, m2, cmpOpts...); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
		b2, err := m2.MarshalBinary()
		if err != nil || !bytes.Equal(b1, b2) {
			t.Fatalf("marshal twice differs: %x vs %x (%v)", b1, b2, err)
		}
		// Route entries come back byte for byte; only next-hop entries
		// are normalised.
		if len(b1) != len(b) {
			t.Fatalf("length changed: %d → %d", len(b), len(b1))
		}
		for i, e := range m.Entries {
			off := HeaderLen + i*RTELen
			if !e.IsNextHop() && !bytes.Equal(b[off:off+RTELen], b1[off:off+RTELen]) {
				t.Fatalf("entry %d changed: %x → %x", i, b[off:off+RTELen], b1[off:off+RTELen])
			}
			if e.IsNextHop() && e.NextHop() != netip.IPv6Unspecified() && !e.NextHop().IsLinkLocalUnicast() {
				t.Fatalf("entry %d: next hop %v kept though not link-local", i, e.NextHop())
			}
		}
	})
}
