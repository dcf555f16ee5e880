package ndp

import (
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestPREF64RoundTrip(t *testing.T) {
	tests := []struct {
		name string
		p    PREF64
		wire []byte
	}{
		{
			name: "well-known /96, 30 min",
			p:    PREF64{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 1800 * time.Second},
			wire: []byte{
				38, 2, // type PREF64, length 2 (16 bytes)
				0x07, 0x08, // scaled lifetime 225 <<3 | PLC 0 (/96)
				0x00, 0x64, 0xff, 0x9b, 0, 0, 0, 0, 0, 0, 0, 0, // highest 96 bits
			},
		},
		{
			name: "/32, max lifetime",
			p:    PREF64{Prefix: netip.MustParsePrefix("2001:db8::/32"), Lifetime: MaxPREF64Lifetime},
			wire: []byte{38, 2, 0xff, 0xfd, 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0},
		},
		{
			name: "/56, zero lifetime withdraws",
			p:    PREF64{Prefix: netip.MustParsePrefix("2001:db8:1:200::/56")},
			wire: []byte{38, 2, 0x00, 0x02, 0x20, 0x01, 0x0d, 0xb8, 0, 1, 2, 0, 0, 0, 0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := tt.p.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.wire, b); diff != "" {
				t.Errorf("MarshalBinary (-want +got):\n%s", diff)
			}
			var got PREF64
			if err := got.UnmarshalBinary(tt.wire); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.p, got, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("UnmarshalBinary (-want +got):\n%s", diff)
			}
		})
	}
}

func TestPREF64Errors(t *testing.T) {
	unmarshal := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, io.ErrUnexpectedEOF},
		{"wrong type", []byte{25, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, ErrInvalidOption},
		{"length 1", []byte{38, 1, 0, 0, 0, 0, 0, 0}, ErrInvalidOption},
		{"truncated", []byte{38, 2, 0, 0, 0}, io.ErrUnexpectedEOF},
		{"trailing", append([]byte{38, 2}, make([]byte, 15)...), ErrInvalidOption},
		{"PLC 6 reserved", []byte{38, 2, 0, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, ErrInvalidOption},
	}
	for _, tt := range unmarshal {
		t.Run(tt.name, func(t *testing.T) {
			var p PREF64
			err := p.UnmarshalBinary(tt.b)
			var pe *ParseError
			if !errors.Is(err, tt.want) || !errors.As(err, &pe) {
				t.Fatalf("UnmarshalBinary = %v, want a *ParseError wrapping %v", err, tt.want)
			}
		})
	}
	marshal := []struct {
		name string
		p    PREF64
	}{
		{"/60 not expressible", PREF64{Prefix: netip.MustParsePrefix("2001:db8::/60")}},
		{"host bits", PREF64{Prefix: netip.MustParsePrefix("64:ff9b::1/96")}},
		{"IPv4", PREF64{Prefix: netip.MustParsePrefix("192.0.2.0/32")}},
		{"lifetime not multiple of 8s", PREF64{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: time.Second}},
		{"lifetime too long", PREF64{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: MaxPREF64Lifetime + 8*time.Second}},
	}
	for _, tt := range marshal {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.p.MarshalBinary(); !errors.Is(err, ErrInvalidOption) {
				t.Fatalf("MarshalBinary = %v, want ErrInvalidOption", err)
			}
		})
	}
}

func BenchmarkPREF64(b *testing.B) {
	p := PREF64{Prefix: netip.MustParsePrefix("64:ff9b::/96"), Lifetime: 1800 * time.Second}
	buf := make([]byte, 0, 16)
	b.ReportAllocs()
	for b.Loop() {
		w, _ := p.AppendBinary(buf[:0])
		var q PREF64
		if err := q.UnmarshalBinary(w); err != nil {
			b.Fatal(err)
		}
	}
}
