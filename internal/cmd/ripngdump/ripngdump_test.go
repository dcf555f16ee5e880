package ripngdump

import (
	"bytes"
	"context"
	"encoding/json"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
	"github.com/v6kit/v6kit/ripng"
)

// ipv6UDP builds an IPv6/UDP packet.
func ipv6UDP(src, dst string, sport, dport uint16, hop byte, payload []byte) []byte {
	s, d := netip.MustParseAddr(src).As16(), netip.MustParseAddr(dst).As16()
	udp := append([]byte{byte(sport >> 8), byte(sport), byte(dport >> 8), byte(dport), byte((8 + len(payload)) >> 8), byte(8 + len(payload)), 0, 0}, payload...)
	ip := append([]byte{0x60, 0, 0, 0, byte(len(udp) >> 8), byte(len(udp)), 17, hop}, s[:]...)
	ip = append(ip, d[:]...)
	return append(ip, udp...)
}

func ethernet(ip []byte) []byte {
	return append([]byte{0x33, 0x33, 0, 0, 0, 9, 2, 0, 0, 0, 0, 2, 0x86, 0xdd}, ip...)
}

func sll(ip []byte) []byte {
	// packet type 2 (multicast), ARPHRD_ETHER, address length 6, address, protocol
	return append([]byte{0, 2, 0, 1, 0, 6, 2, 0, 0, 0, 0, 2, 0, 0, 0x86, 0xdd}, ip...)
}

func sll2(ip []byte) []byte {
	// protocol, reserved, ifindex, ARPHRD_ETHER, packet type, address length, address
	return append([]byte{0x86, 0xdd, 0, 0, 0, 0, 0, 2, 0, 1, 2, 6, 2, 0, 0, 0, 0, 2, 0, 0}, ip...)
}

func payload(t testing.TB, m ripng.Message) []byte {
	b, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

var sample = ripng.Message{Command: ripng.Response, Entries: []ripng.RTE{
	{Prefix: netip.MustParsePrefix("2001:db8:1::/48"), Tag: 0x1234, Metric: 1},
	ripng.NextHopRTE(netip.MustParseAddr("fe80::1")),
	{Prefix: netip.MustParsePrefix("2001:db8:2::/64"), Metric: 16},
}}

func intp(i int) *int { return &i }

func TestDecodeVerdicts(t *testing.T) {
	good := payload(t, sample)
	tests := []struct {
		name, src string
		sport     uint16
		dport     uint16
		hop       int
		payload   []byte
		verdict   string
	}{
		{"accept", "fe80::2", 521, 521, 255, good, "accept"},
		{"source port", "fe80::2", 5555, 521, 255, good, "drop: source port 5555"},
		{"reply to a query port", "fe80::2", 521, 5555, 255, good, "drop: destination port 5555"},
		{"global source", "2001:db8::2", 521, 521, 255, good, "drop: source address not link-local"},
		{"FRR's unicast hop limit", "fe80::2", 521, 521, 64, good, "drop: hop limit 64"},
		{"version 2", "fe80::2", 521, 521, 255, append([]byte{2, 2, 0, 0}, good[4:]...), "drop: version 2"},
		{"truncated", "fe80::2", 521, 521, 255, good[:30], "drop: parse rte at offset 24: message length is not 4 + 20·n bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := Decode(netip.MustParseAddr(tt.src), netip.MustParseAddr("ff02::9"), tt.sport, tt.dport, tt.hop, tt.payload)
			if m.Verdict != tt.verdict {
				t.Errorf("verdict = %q, want %q", m.Verdict, tt.verdict)
			}
		})
	}
	m := Decode(netip.MustParseAddr("fe80::2"), netip.MustParseAddr("ff02::9"), 521, 521, 255, good)
	want := []Entry{
		{Prefix: "2001:db8:1::/48", Tag: intp(0x1234), Metric: intp(1)},
		{NextHop: "fe80::1"},
		{Prefix: "2001:db8:2::/64", Tag: intp(0), Metric: intp(16)},
	}
	if diff := cmp.Diff(want, m.Entries); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

func TestDecodeFrameLinkTypes(t *testing.T) {
	ip := ipv6UDP("fe80::2", "ff02::9", 521, 521, 255, payload(t, sample))
	for _, tt := range []struct {
		name string
		lt   int
		b    []byte
	}{
		{"ethernet", linkEthernet, ethernet(ip)},
		{"vlan", linkEthernet, append([]byte{0x33, 0x33, 0, 0, 0, 9, 2, 0, 0, 0, 0, 2, 0x81, 0x00, 0, 5, 0x86, 0xdd}, ip...)},
		{"sll", linkSLL, sll(ip)},
		{"sll2", linkSLL2, sll2(ip)},
		{"raw", linkRaw, ip},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d, err := decodeFrame(tt.lt, tt.b)
			if err != nil {
				t.Fatal(err)
			}
			if d.src != netip.MustParseAddr("fe80::2") || d.hopLimit != 255 || d.sport != 521 || !bytes.Equal(d.payload, payload(t, sample)) {
				t.Errorf("decoded %+v", d)
			}
		})
	}
	if _, err := decodeFrame(linkEthernet, ethernet(ipv6UDP("fe80::2", "ff02::1", 546, 547, 1, []byte{1}))); err == nil {
		t.Error("DHCPv6 decoded as RIPng")
	}
	for i := range ip {
		_, _ = decodeFrame(linkEthernet, ethernet(ip)[:i]) // never panics
	}
}

// writeCapture writes frames to a classic pcap or a pcapng file.
func writeCapture(t *testing.T, ng bool, lt layers.LinkType, frames ...[]byte) string {
	path := filepath.Join(t.TempDir(), "c.pcap")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	ci := func(b []byte) gopacket.CaptureInfo {
		return gopacket.CaptureInfo{Timestamp: time.Unix(1700000000, 0), CaptureLength: len(b), Length: len(b)}
	}
	if ng {
		w, err := pcapgo.NewNgWriter(f, lt)
		if err != nil {
			t.Fatal(err)
		}
		for _, b := range frames {
			if err := w.WritePacket(ci(b), b); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Flush(); err != nil {
			t.Fatal(err)
		}
		return path
	}
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65536, lt); err != nil {
		t.Fatal(err)
	}
	for _, b := range frames {
		if err := w.WritePacket(ci(b), b); err != nil {
			t.Fatal(err)
		}
	}
	return path
}

func TestRunFile(t *testing.T) {
	req := ripng.WholeTableRequest()
	ip1 := ipv6UDP("fe80::2", "ff02::9", 521, 521, 255, payload(t, sample))
	ip2 := ipv6UDP("fe80::3", "fe80::2", 521, 521, 64, payload(t, req))
	other := ipv6UDP("fe80::3", "ff02::1", 1234, 80, 1, []byte("x"))
	wantJSON := `{"src":"fe80::2","dst":"ff02::9","hoplimit":255,"command":"response","version":1,"entries":[{"prefix":"2001:db8:1::/48","tag":4660,"metric":1},{"nexthop":"fe80::1"},{"prefix":"2001:db8:2::/64","tag":0,"metric":16}],"verdict":"accept"}
{"src":"fe80::3","dst":"fe80::2","hoplimit":64,"command":"request","version":1,"entries":[{"prefix":"::/0","tag":0,"metric":16}],"verdict":"drop: hop limit 64"}
`
	wantText := `[fe80::2]:521 > [ff02::9]:521 hlim 255 RIPng response v1, 3 entries: accept
	2001:db8:1::/48 tag 4660 metric 1
	nexthop fe80::1
	2001:db8:2::/64 tag 0 metric 16
[fe80::3]:521 > [fe80::2]:521 hlim 64 RIPng request v1, 1 entries: drop: hop limit 64
	::/0 tag 0 metric 16
`
	for _, tt := range []struct {
		name  string
		ng    bool
		lt    layers.LinkType
		frame func([]byte) []byte
	}{
		{"pcap ethernet", false, layers.LinkTypeEthernet, ethernet},
		{"pcapng ethernet", true, layers.LinkTypeEthernet, ethernet},
		{"pcap sll", false, layers.LinkTypeLinuxSLL, sll},
		{"pcapng sll2", true, layers.LinkTypeLinuxSLL2, sll2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := writeCapture(t, tt.ng, tt.lt, tt.frame(ip1), tt.frame(other), tt.frame(ip2))
			var out bytes.Buffer
			if err := Run(context.Background(), Options{File: path, JSON: true}, &out); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantJSON, out.String()); diff != "" {
				t.Errorf("-json output (-want +got):\n%s", diff)
			}
			for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
				var v map[string]any
				if err := json.Unmarshal([]byte(line), &v); err != nil {
					t.Errorf("line %q is not JSON: %v", line, err)
				}
			}
			out.Reset()
			if err := Run(context.Background(), Options{File: path}, &out); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(wantText, out.String()); diff != "" {
				t.Errorf("text output (-want +got):\n%s", diff)
			}
		})
	}
}

func TestRunErrors(t *testing.T) {
	for _, opts := range []Options{{}, {File: "a", Interface: "b"}, {File: filepath.Join(t.TempDir(), "missing.pcap")}} {
		if err := Run(context.Background(), opts, &bytes.Buffer{}); err == nil || !strings.HasPrefix(err.Error(), "ripngdump: ") {
			t.Errorf("Run(%+v) = %v, want a ripngdump error", opts, err)
		}
	}
	path := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(path, []byte("not a capture file at all"), 0o644)
	if err := Run(context.Background(), Options{File: path}, &bytes.Buffer{}); err == nil {
		t.Error("Run on junk succeeded")
	}
}
