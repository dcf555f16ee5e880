package slaac

import (
	"bytes"
	"net"
	"testing"
)

// FuzzEUI64 checks that every 48-bit MAC survives EUI64 then MAC, and that
// every IID carrying ff:fe survives MAC then EUI64.
func FuzzEUI64(f *testing.F) {
	f.Add([]byte{0x00, 0x16, 0x3e, 0x65, 0x2b, 0x99}) // LXD MAC (OUI 00:16:3e)
	f.Add([]byte{0x02, 0x00, 0x5e, 0x00, 0x00, 0x00}) // forms a reserved IID
	f.Add([]byte{0x00, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, b []byte) {
		iid, err := EUI64(net.HardwareAddr(b))
		if len(b) != 6 && len(b) != 8 {
			if err == nil {
				t.Fatalf("EUI64(%x) accepted %d bytes", b, len(b))
			}
			return
		}
		if err != nil {
			t.Fatal(err)
		}
		mac, ok := iid.MAC()
		if len(b) == 6 {
			if !ok || !bytes.Equal(mac, b) {
				t.Fatalf("MAC(EUI64(%x)) = %v, %v", b, mac, ok)
			}
		}
		if ok {
			again, err := EUI64(mac)
			if err != nil || again != iid {
				t.Fatalf("EUI64(MAC(%v)) = %v, %v", iid, again, err)
			}
		}
		s := iid.String()
		p, err := ParseIID(s)
		if err != nil || p != iid {
			t.Fatalf("ParseIID(%q) = %v, %v; want %v", s, p, err, iid)
		}
	})
}
