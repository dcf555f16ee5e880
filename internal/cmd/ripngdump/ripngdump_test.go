package ripngdump

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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
	"github.com/v6kit/v6kit/internal/clitest"
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

// rte is a raw route table entry: BIRD's verdicts are about bytes the
// SDK's encoder refuses to produce.
func rte(prefix string, plen, metric byte) []byte {
	a := netip.MustParseAddr(prefix).As16()
	return append(a[:], 0, 0, plen, metric)
}

// raw is a RIPng payload: a header and entries.
func raw(cmd, version, mbz byte, entries ...[]byte) []byte {
	b := []byte{cmd, version, mbz, 0}
	for _, e := range entries {
		b = append(b, e...)
	}
	return b
}

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
		// BIRD refuses only version 0 and never reads the must-be-zero
		// bytes (proto/rip/packets.c, rip_rx_hook).
		{"version 0", "fe80::2", 521, 521, 255, append([]byte{2, 0, 0, 0}, good[4:]...), "drop: version 0"},
		{"version 2", "fe80::2", 521, 521, 255, append([]byte{2, 2, 0, 0}, good[4:]...), "accept"},
		{"must-be-zero set", "fe80::2", 521, 521, 255, append([]byte{2, 1, 0xab, 0xcd}, good[4:]...), "accept"},
		{"truncated", "fe80::2", 521, 521, 255, good[:30], "drop: length 30 is not 4 + 20·n bytes"},
		{"too short", "fe80::2", 521, 521, 255, []byte{2, 1}, "drop: too short (2 bytes)"},
		{"unknown command", "fe80::2", 521, 521, 255, append([]byte{7, 1, 0, 0}, good[4:]...), "drop: unknown command 7"},
		{"demand circuit", "fe80::2", 521, 521, 255, append([]byte{10, 1, 0, 0}, good[4:]...), "drop: demand-circuit command 10 (RFC 2091)"},
		{"whole-table request", "fe80::2", 521, 521, 255, payload(t, ripng.WholeTableRequest()), "accept"},
		{"specific request", "fe80::2", 521, 521, 255, raw(1, 1, 0, rte("2001:db8::", 32, 16)), "ignore: BIRD answers only whole-table requests"},
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
		{Prefix: "2001:db8:1::/48", Tag: intp(0x1234), Metric: intp(1), Verdict: "accept"},
		{NextHop: "fe80::1", Verdict: "accept"},
		{Prefix: "2001:db8:2::/64", Tag: intp(0), Metric: intp(16), Verdict: "withdraw"},
	}
	if diff := cmp.Diff(want, m.Entries); diff != "" {
		t.Errorf("entries (-want +got):\n%s", diff)
	}
}

// TestEntryVerdicts: BIRD ignores a /200 prefix and metrics above 16
// (rip_receive_response: "invalid prefix length", "invalid metric"),
// link-local and multicast prefixes ("invalid prefix"), takes metric 0,
// clears host bits, and uses the sender for a next hop that is not
// link-local.
func TestEntryVerdicts(t *testing.T) {
	for _, tt := range []struct {
		entry []byte
		want  string
	}{
		{rte("2001:db8::", 48, 1), "accept"},
		{rte("2001:db8::", 200, 1), "ignore: invalid prefix length 200"},
		{rte("2001:db8::", 129, 1), "ignore: invalid prefix length 129"},
		{rte("2001:db8::", 128, 1), "accept"},
		{rte("::", 0, 1), "accept"},
		{rte("2001:db8::", 48, 99), "ignore: invalid metric 99"},
		{rte("2001:db8::", 48, 17), "ignore: invalid metric 17"},
		{rte("2001:db8::", 48, 0), "accept"},
		{rte("2001:db8::", 48, 15), "withdraw"},
		{rte("2001:db8::", 48, 16), "withdraw"},
		{rte("2001:db8::1", 48, 1), "accept"},
		{rte("fe80::", 64, 1), "ignore: invalid prefix (link-local)"},
		{rte("ff02::", 16, 1), "ignore: invalid prefix (multicast)"},
		{rte("ff0e::", 16, 1), "ignore: invalid prefix (multicast)"},
		{rte("::1", 128, 1), "ignore: invalid prefix (loopback)"},
		{rte("::ffff:127.0.0.0", 104, 1), "ignore: invalid prefix (IPv4 loopback)"},
		{rte("fd00::", 8, 1), "accept"},
		{rte("fe80::1", 0, 1), "accept"}, // ::/0 once its host bits are cleared
		{rte("2001:db8::1", 0, 0xff), "ignore: next hop not link-local; the sender is the next hop"},
		{rte("fe80::1", 0, 0xff), "accept"},
		{rte("::", 0, 0xff), "accept"},
	} {
		if got := entryVerdict(tt.entry); got != tt.want {
			t.Errorf("entryVerdict(%x) = %q, want %q", tt.entry, got, tt.want)
		}
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
		{"atomic fragment", linkEthernet, ethernet(atomicFragment(ip))},
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
	frag := atomicFragment(ip)
	frag[40+3] = 1 // M: a first fragment of several, not a whole datagram
	if _, err := decodeFrame(linkEthernet, ethernet(frag)); err == nil {
		t.Error("a non-atomic fragment decoded as a whole datagram")
	}
	if _, err := decodeFrame(linkEthernet, ethernet(ipv6UDP("fe80::2", "ff02::1", 546, 547, 1, []byte{1}))); err == nil {
		t.Error("DHCPv6 decoded as RIPng")
	}
	for i := range ip {
		_, _ = decodeFrame(linkEthernet, ethernet(ip)[:i]) // never panics
	}
}

// atomicFragment puts ip's payload behind a fragment header with offset 0
// and M clear (RFC 6946).
func atomicFragment(ip []byte) []byte {
	f := append([]byte{}, ip[:40]...)
	f = append(f, 17, 0, 0, 0, 0x12, 0x34, 0x56, 0x78)
	f = append(f, ip[40:]...)
	f[6] = 44
	n := len(f) - 40
	f[4], f[5] = byte(n>>8), byte(n)
	return f
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
	wantJSON := `{"src":"fe80::2","dst":"ff02::9","hoplimit":255,"command":"response","version":1,"entries":[{"prefix":"2001:db8:1::/48","tag":4660,"metric":1,"verdict":"accept"},{"nexthop":"fe80::1","verdict":"accept"},{"prefix":"2001:db8:2::/64","tag":0,"metric":16,"verdict":"withdraw"}],"verdict":"accept"}
{"src":"fe80::3","dst":"fe80::2","hoplimit":64,"command":"request","version":1,"entries":[{"prefix":"::/0","tag":0,"metric":16}],"verdict":"drop: hop limit 64"}
`
	wantText := `[fe80::2]:521 > [ff02::9]:521 hlim 255 RIPng response v1, 3 entries: accept
	2001:db8:1::/48 tag 4660 metric 1: accept
	nexthop fe80::1: accept
	2001:db8:2::/64 tag 0 metric 16: withdraw
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

// TestBadInputs runs the program with bad input of every class and checks
// the exit status and the exact first line on stderr.
func TestBadInputs(t *testing.T) {
	dir := t.TempDir()
	junk := filepath.Join(dir, "junk")
	os.WriteFile(junk, []byte("not a capture file at all"), 0o644)
	empty := filepath.Join(dir, "empty")
	os.WriteFile(empty, nil, 0o644)
	wifi := writeCapture(t, false, layers.LinkTypeIEEE802_11, []byte{0x08, 0x02, 0, 0})
	wifiNG := writeCapture(t, true, layers.LinkTypeIEEE80211Radio, []byte{0, 0, 8, 0, 0, 0, 0, 0})
	// A pcap file cut inside its first packet record, and one of version 3.
	cut := writeCapture(t, false, layers.LinkTypeEthernet, make([]byte, 60))
	if b, err := os.ReadFile(cut); err != nil {
		t.Fatal(err)
	} else {
		os.WriteFile(cut, b[:len(b)-10], 0o644)
	}
	v3 := filepath.Join(dir, "v3.pcap")
	os.WriteFile(v3, []byte("\xd4\xc3\xb2\xa1\x03\x00\x04\x00\x00\x00\x00\x00\x00\x00\x00\x00\xff\xff\x00\x00\x01\x00\x00\x00"), 0o644)
	clitest.BadInputs(t, Command, []clitest.BadInput{
		{Status: 2, Line: "ripngdump: give -i IF to capture live or -r FILE to read a capture"},
		{Args: []string{"-i", "eth0", "-r", "x.pcap"}, Status: 2, Line: "ripngdump: -i and -r both given; give one of them"},
		{Args: []string{"-r", "x.pcap", "-c", "-1"}, Status: 2, Line: "ripngdump: -c -1 is negative; give a count of messages, or 0 for no limit"},
		{Args: []string{"-r", "x.pcap", "-c", "many"}, Status: 2, Line: `ripngdump: -c "many": not a whole number; see -h`},
		{Args: []string{"-i", "a b"}, Status: 2, Line: `ripngdump: -i: interface name "a b" has '/', ':' or white space; Linux refuses those`},
		{Args: []string{"-i", "abcdefghijklmnopq"}, Status: 2, Line: `ripngdump: -i: interface name "abcdefghijklmnopq" is 17 bytes; Linux takes at most 15`},
		{Args: []string{"-r", dir}, Status: 2, Line: fmt.Sprintf("ripngdump: -r %q is a directory; give a capture file", dir)},
		{Args: []string{"-r", "x.pcap", "extra"}, Status: 2, Line: `ripngdump: unexpected argument "extra"; every option is a flag (see ripngdump -h)`},
		{Args: []string{"-x"}, Status: 2, Line: "ripngdump: -x: no such flag; see -h for the flags"},
		{Args: []string{"-r", filepath.Join(dir, "missing.pcap")}, Status: 1, Line: fmt.Sprintf("ripngdump: capture file %q: no such file or directory", filepath.Join(dir, "missing.pcap"))},
		{Args: []string{"-r", junk}, Status: 1, Line: fmt.Sprintf("ripngdump: capture file %q is not a pcap or pcapng file; write one with tcpdump -w or tshark -w", junk)},
		{Args: []string{"-r", empty}, Status: 1, Line: fmt.Sprintf("ripngdump: capture file %q is not a pcap or pcapng file; write one with tcpdump -w or tshark -w", empty)},
		{Args: []string{"-r", wifi}, Status: 1, Line: fmt.Sprintf("ripngdump: capture file %q has link type 802.11 (105), which ripngdump does not read; capture on an Ethernet interface or with tshark -i any (Linux cooked)", wifi)},
		{Args: []string{"-r", wifiNG}, Status: 1, Line: fmt.Sprintf("ripngdump: capture file %q has link type RadioTap (127), which ripngdump does not read; capture on an Ethernet interface or with tshark -i any (Linux cooked)", wifiNG)},
		{Args: []string{"-r", cut}, Status: 1, Line: fmt.Sprintf("ripngdump: capture file %q: packet record at offset 24: truncated: unexpected EOF", cut)},
		{Args: []string{"-r", v3}, Status: 1, Line: fmt.Sprintf("ripngdump: capture file %q: file header at offset 0: unsupported: version 3.4", v3)},
		// an interface that is not there is a usage error: nothing was opened
		{Args: []string{"-i", "v6kit-nosuch0"}, Status: 2, Line: `ripngdump: -i: interface "v6kit-nosuch0" not found; list them with 'ip link'`},
		{Args: []string{"-i", "v6kit-nosuch0", "-c", "1", "-json"}, Status: 2, Line: `ripngdump: -i: interface "v6kit-nosuch0" not found; list them with 'ip link'`},
	})
}

// TestJSONGolden pins the -json keys and their types (-update rewrites
// testdata/messages.golden); every key is documented in the help.
func TestJSONGolden(t *testing.T) {
	frames := [][]byte{
		ethernet(ipv6UDP("fe80::2", "ff02::9", 521, 521, 255, payload(t, sample))),
		ethernet(ipv6UDP("fe80::2", "ff02::9", 521, 521, 255, raw(2, 1, 0, rte("2001:db8::", 200, 1), rte("2001:db8:1::", 48, 99), rte("fe80::", 64, 1), rte("2001:db8::1", 0, 0xff), rte("2001:db8:2::", 48, 0)))),
		ethernet(ipv6UDP("fe80::3", "fe80::2", 521, 521, 64, payload(t, ripng.WholeTableRequest()))),
		ethernet(ipv6UDP("fe80::3", "ff02::9", 521, 521, 255, raw(5, 0, 0))),
	}
	path := writeCapture(t, true, layers.LinkTypeEthernet, frames...)
	r := clitest.Run(t, Command, "-r", path, "-json")
	if r.Status != 0 {
		t.Fatalf("status %d: %s", r.Status, r.Stderr)
	}
	clitest.Golden(t, filepath.Join("testdata", "messages.golden"), []byte(r.Stdout))
	clitest.Documented(t, clitest.Help(t, Command), clitest.Keys(t, []byte(r.Stdout))...)
}
