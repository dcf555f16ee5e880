package ripngdump

import (
	"bytes"
	"net/netip"
	"testing"

	"github.com/v6kit/v6kit/ripng"
)

// FuzzDecodeFrame: frames of every link type never panic, the payload found
// lies within the frame, and Decode of it never panics either.
func FuzzDecodeFrame(f *testing.F) {
	req := ripng.WholeTableRequest()
	p, _ := req.MarshalBinary()
	ip := ipv6UDP("fe80::2", "ff02::9", 521, 521, 255, p)
	f.Add(linkEthernet, ethernet(ip))
	f.Add(linkSLL, sll(ip))
	f.Add(linkSLL2, sll2(ip))
	f.Add(linkRaw, ip)
	// Hop-by-hop options header before UDP.
	hbh := append([]byte{17, 0, 1, 4, 0, 0, 0, 0}, ip[40:]...)
	ip2 := append(append([]byte{}, ip[:40]...), hbh...)
	ip2[6] = 0
	ip2[4], ip2[5] = byte(len(hbh)>>8), byte(len(hbh))
	f.Add(linkRaw, ip2)
	f.Add(linkEthernet, ethernet(atomicFragment(ip)))
	f.Fuzz(func(t *testing.T, lt int, b []byte) {
		d, err := decodeFrame(lt, b)
		if err != nil {
			return
		}
		if len(d.payload) > 0 && !bytes.Contains(b, d.payload) {
			t.Fatalf("payload %x is not part of the frame", d.payload)
		}
		m := Decode(d.src, d.dst, d.sport, d.dport, d.hopLimit, d.payload)
		if m.Verdict == "" {
			t.Fatal("no verdict")
		}
		if m.Verdict == "accept" && (!d.src.IsLinkLocalUnicast() || d.hopLimit != 255 || d.src == netip.IPv6Unspecified()) {
			t.Fatalf("accepted %+v", d)
		}
	})
}
