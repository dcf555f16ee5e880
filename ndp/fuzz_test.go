package ndp

import (
	"bytes"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/v6frame"

	"github.com/google/go-cmp/cmp"
)

func FuzzPREF64(f *testing.F) {
	// type 38, length 2, scaled lifetime|PLC, 96 prefix bits.
	f.Add([]byte{38, 2, 0x07, 0x08, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0})
	f.Add([]byte{38, 2, 0xff, 0xfd, 0x20, 0x01, 0x0d, 0xb8, 0xff, 0, 0, 0, 0, 0, 0, 0}) // /32 with bits past the length
	f.Add([]byte{38, 2, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0})                      // reserved PLC
	f.Fuzz(func(t *testing.T, b []byte) {
		var p PREF64
		if err := p.UnmarshalBinary(b); err != nil {
			return
		}
		w1, err := p.MarshalBinary()
		if err != nil {
			t.Fatalf("marshal of parsed %v: %v", p, err)
		}
		w2, _ := p.MarshalBinary()
		if !bytes.Equal(w1, w2) {
			t.Fatalf("marshal not stable: % x vs % x", w1, w2)
		}
		var q PREF64
		if err := q.UnmarshalBinary(w1); err != nil {
			t.Fatalf("reparse: %v", err)
		}
		if diff := cmp.Diff(p, q, cmpAddrs); diff != "" {
			t.Fatalf("round trip (-first +second):\n%s", diff)
		}
	})
}

func FuzzParseRouterAdvertisement(f *testing.F) {
	f.Add([]byte{134, 0, 0, 0, 64, 0xc8, 0x07, 0x08, 0, 0, 0x75, 0x30, 0, 0, 0x03, 0xe8,
		1, 1, 2, 0, 0x5e, 0x10, 0, 1, // source link-layer address
		5, 1, 0, 0, 0, 0, 5, 0x78, // MTU 1400
		38, 2, 0x07, 0x08, 0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0}) // PREF64
	f.Add([]byte{134, 0, 0, 0, 64, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 38, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		r1, err1 := ParseRouterAdvertisement(b)
		r2, err2 := ParseRouterAdvertisement(b)
		if (err1 == nil) != (err2 == nil) {
			t.Fatalf("nondeterministic: %v vs %v", err1, err2)
		}
		if err1 == nil {
			if diff := cmp.Diff(r1, r2, cmpAddrs); diff != "" {
				t.Fatalf("nondeterministic (-1 +2):\n%s", diff)
			}
			for _, p := range r1.PREF64 {
				if _, err := p.MarshalBinary(); err != nil {
					t.Fatalf("parsed PREF64 %v does not marshal: %v", p, err)
				}
			}
		}
	})
}

func FuzzSight(f *testing.F) {
	// Ethernet, IPv6 from :: (hop limit 255), NS for 2001:db8::1: a DAD probe.
	f.Add([]byte{0x33, 0x33, 0xff, 0, 0, 1, 2, 0, 0, 0, 0, 1, 0x86, 0xdd,
		0x60, 0, 0, 0, 0, 24, 58, 255,
		0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
		0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff, 0, 0, 1,
		135, 0, 0, 0, 0, 0, 0, 0, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1})
	f.Fuzz(func(t *testing.T, b []byte) {
		var p v6frame.Packet
		if v6frame.Parse(b, &p) != nil {
			return
		}
		s, ok := sight(&p, time.Time{})
		if ok && s.Addr.IsValid() && (s.Addr.IsMulticast() || s.Addr.IsUnspecified()) {
			t.Fatalf("sighting of a non-unicast address: %+v", s)
		}
	})
}
