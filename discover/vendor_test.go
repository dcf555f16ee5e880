package discover

import (
	"bytes"
	"compress/flate"
	"errors"
	"io"
	"net"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestVendorsLookup(t *testing.T) {
	v, err := LoadVendors()
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		mac  string
		want Vendor
	}{
		{"LXD / Xen MA-L", "00:16:3e:12:34:56", Vendor{Name: "Xensource, Inc.", Registry: RegistryMAL, Bits: 24}},
		{"Raspberry Pi MA-L", "b8:27:eb:01:02:03", Vendor{Name: "Raspberry Pi Foundation", Registry: RegistryMAL, Bits: 24}},
		{"MA-M inside an IEEE RA block", "20:85:93:b0:00:01", Vendor{Name: "IOG Products LLC", Registry: RegistryMAM, Bits: 28}},
		{"MA-S inside an IEEE RA block", "70:b3:d5:f2:f0:01", Vendor{Name: "TELEPLATFORMS", Registry: RegistryMAS, Bits: 36}},
		{"IAB block", "00:50:c2:00:00:01", Vendor{Name: "T.L.S. Corp.", Registry: RegistryMAS, Bits: 36}},
		{"locally administered", "02:42:ac:11:00:02", Vendor{Name: LocallyAdministered, Registry: RegistryLocal}},
		{"randomised", "da:a1:19:00:00:01", Vendor{Name: LocallyAdministered, Registry: RegistryLocal}},
		{"multicast", "33:33:00:00:00:01", Vendor{}},
		{"first MA-L block", "00:00:00:00:00:00", Vendor{Name: "XEROX CORPORATION", Registry: RegistryMAL, Bits: 24}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mac, err := net.ParseMAC(tt.mac)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, v.Lookup(mac)); diff != "" {
				t.Errorf("Lookup(%s) (-want +got):\n%s", tt.mac, diff)
			}
		})
	}
	var zero *Vendors
	if got := zero.Name(net.HardwareAddr{2, 0, 0, 0, 0, 1}); got != LocallyAdministered {
		t.Errorf("nil Vendors: %q", got)
	}
	if got := v.Name(net.HardwareAddr{1, 2, 3}); got != "" {
		t.Errorf("short MAC: %q", got)
	}
}

// TestVendorParts: every part of the embedded table inflates and parses.
func TestVendorParts(t *testing.T) {
	v, err := LoadVendors()
	if err != nil {
		t.Fatal(err)
	}
	blocks := 0
	for i := range v.parts {
		raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(v.parts[i].z)))
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		set, err := parseVendors(raw)
		if err != nil {
			t.Fatalf("part %d: %v", i, err)
		}
		for _, bs := range set.blocks {
			blocks += len(bs)
		}
	}
	if blocks < 40000 {
		t.Errorf("%d blocks in the table, want the whole registry (> 40000)", blocks)
	}
	if len(v.parts) < 16 {
		t.Errorf("%d parts: a lookup would inflate too much at once", len(v.parts))
	}
	if _, err := parseVendorIndex([]byte("v6kit-vendors-1\n")); !errors.Is(err, ErrBadVendorTable) {
		t.Errorf("old magic: %v, want ErrBadVendorTable", err)
	}
	if _, err := parseVendorIndex(vendorTable[:len(vendorTable)-1]); !errors.Is(err, ErrBadVendorTable) {
		t.Errorf("truncated table: %v, want ErrBadVendorTable", err)
	}
}

func FuzzParseVendors(f *testing.F) {
	f.Add([]byte("\x01\x03abc\x01\x05\x00\x00\x01\x02\x00"))
	f.Add([]byte(vendorMagic + "\x01\x00\x00"))
	f.Add(vendorTable[:200])
	f.Fuzz(func(t *testing.T, b []byte) {
		if set, err := parseVendors(b); err == nil {
			for _, bs := range set.blocks {
				for _, bl := range bs {
					_ = set.names[bl.name] // every block names a vendor
				}
			}
		}
		if v, err := parseVendorIndex(b); err == nil {
			total := len(vendorMagic)
			for i := range v.parts {
				total += len(v.parts[i].z)
			}
			if total > len(b) {
				t.Fatalf("parts of %d bytes from %d", total, len(b))
			}
			v.Lookup(net.HardwareAddr{0, 0, 0, 0, 0, 5})
		}
	})
}

func BenchmarkVendorLookup(b *testing.B) {
	v, err := LoadVendors()
	if err != nil {
		b.Fatal(err)
	}
	mac := net.HardwareAddr{0x70, 0xb3, 0xd5, 0xf2, 0xf0, 1}
	b.ReportAllocs()
	for b.Loop() {
		v.Lookup(mac)
	}
}

// BenchmarkVendorFirstLookup is what a program pays for its first vendor
// name: the index and one part inflated.
func BenchmarkVendorFirstLookup(b *testing.B) {
	mac := net.HardwareAddr{0x70, 0xb3, 0xd5, 0xf2, 0xf0, 1}
	b.ReportAllocs()
	for b.Loop() {
		v, err := LoadVendors()
		if err != nil {
			b.Fatal(err)
		}
		v.Lookup(mac)
	}
}

func BenchmarkLoadVendors(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadVendors(); err != nil {
			b.Fatal(err)
		}
	}
}
