package ripng

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"

	"github.com/v6kit/v6kit/internal/sdktest"
)

// speakerOutput returns every datagram a speaker's core sends in a life
// at the extremes of its valid configuration on a link of the given MTU:
// start-up request and update, updates full to the MTU, tags 0 and 65535,
// metrics 1 to 16, prefix lengths 0 and 128, static and learned next hops
// (next-hop entries), answers to specific requests, a triggered update of
// a withdrawal, and the shutdown's poisoned update.
func speakerOutput(t *testing.T, mtu int) [][]byte {
	t.Helper()
	cfg := Config{SplitHorizon: SplitHorizonNone, Announce: []Route{
		{Prefix: netip.MustParsePrefix("::/0"), Tag: 65535, Metric: 15},
		{Prefix: netip.MustParsePrefix("2001:db8::1/128"), Tag: 0, Metric: 1},
		{Prefix: netip.MustParsePrefix("2001:db8:ffff::/48"), Tag: 7, NextHop: netip.MustParseAddr("fe80::3%eth0")},
	}}
	for i := range 3 * MaxEntries(mtu) {
		cfg.Announce = append(cfg.Announce, Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 4: byte(i >> 8), 5: byte(i)}), 48), Tag: uint16(i), Metric: uint8(1 + i%15)})
	}
	c := newCore(simConfig(t, cfg, 1), []ifaceConf{{name: "eth0", cost: 1, ll: llA, mtu: mtu}})
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	var out [][]byte
	keep := func(ps []outPkt) {
		for _, p := range ps {
			if len(p.b)+48 > mtu {
				t.Fatalf("a %d-byte datagram on a link of MTU %d", len(p.b)+48, mtu)
			}
			out = append(out, p.b)
		}
	}
	keep(c.start(now))
	// Routes learned from a neighbour are sent back with it as next hop
	// (split horizon off), metrics up to 16.
	pi := PacketInfo{Src: netip.AddrPortFrom(llB, Port), Dst: AllRIPRouters(), HopLimit: 255}
	keep(c.receive(now, 0, response(RTE{Prefix: netip.MustParsePrefix("2001:db9::/32"), Metric: 14}, RTE{Prefix: netip.MustParsePrefix("2001:db9:1::/128"), Metric: 1, Tag: 65535}), pi))
	now = now.Add(10 * time.Second)
	keep(c.tick(now))
	// A specific request, answered with our metrics or 16.
	req := Message{Command: Request, Entries: []RTE{{Prefix: netip.MustParsePrefix("2001:db8::1/128"), Metric: 16}, {Prefix: netip.MustParsePrefix("2001:db8:dead::/48"), Metric: 16}}}
	b, _ := req.MarshalBinary()
	keep(c.receive(now, 0, b, PacketInfo{Src: netip.MustParseAddrPort("[fe80::b]:12345"), Dst: llA, HopLimit: 64}))
	c.withdraw(now, netip.MustParsePrefix("2001:db8::1/128"))
	now = now.Add(10 * time.Second)
	keep(c.tick(now))
	now = now.Add(time.Minute)
	keep(c.tick(now)) // periodic
	keep(c.shutdown())
	return out
}

// TestTsharkDecodesEverythingWeSend runs tshark's RIPng dissector on every
// datagram the speaker sends at its extreme valid configurations: no
// malformed packet and no expert warning, and every field it decodes is
// the one we encoded.
func TestTsharkDecodesEverythingWeSend(t *testing.T) {
	sdktest.RequireCommands(t, "tshark")
	for _, mtu := range []int{1280, 1500, 9000} {
		t.Run(strconv.Itoa(mtu), func(t *testing.T) {
			dgrams := speakerOutput(t, mtu)
			path := filepath.Join(t.TempDir(), "ripng.pcap")
			writePcap(t, path, dgrams)
			// Fields: one line per frame; several RTEs aggregated with ','.
			args := []string{"-r", path, "-o", "udp.check_checksum:TRUE", "-T", "fields", "-E", "separator=/t", "-E", "aggregator=,", "-E", "occurrence=a",
				"-e", "frame.number", "-e", "ripng.cmd", "-e", "ripng.version", "-e", "ripng.rte.ipv6_prefix", "-e", "ripng.rte.route_tag", "-e", "ripng.rte.prefix_length", "-e", "ripng.rte.metric", "-e", "_ws.expert", "-e", "_ws.malformed", "-e", "udp.checksum.status"}
			out, err := exec.CommandContext(context.Background(), "tshark", args...).CombinedOutput()
			if err != nil {
				t.Fatalf("tshark: %v\n%s", err, out)
			}
			var lines []string
			for _, l := range strings.Split(strings.TrimRight(string(out), "\n"), "\n") {
				if !strings.HasPrefix(l, "Running as user") {
					lines = append(lines, l)
				}
			}
			if len(lines) != len(dgrams) {
				t.Fatalf("tshark decoded %d frames, we wrote %d:\n%s", len(lines), len(dgrams), out)
			}
			entries := 0
			for i, l := range lines {
				f := strings.Split(l, "\t")
				if len(f) != 10 {
					t.Fatalf("frame %d: %d fields: %q", i+1, len(f), l)
				}
				if f[7] != "" || f[8] != "" {
					t.Errorf("frame %d: expert info %q, malformed %q", i+1, f[7], f[8])
				}
				if f[9] != "1" { // 0 bad, 1 good, 2 unverified
					t.Errorf("frame %d: UDP checksum status %q", i+1, f[9])
				}
				var d Decoder
				if err := d.Reset(dgrams[i]); err != nil {
					t.Fatalf("frame %d: we sent what we cannot decode: %v", i+1, err)
				}
				var pfx, tag, plen, metric []string
				for d.Next() {
					b := d.Bytes()
					pfx = append(pfx, netip.AddrFrom16([16]byte(b[:16])).String())
					tag = append(tag, fmt.Sprintf("0x%02x%02x", b[16], b[17]))
					plen = append(plen, strconv.Itoa(int(b[18])))
					metric = append(metric, strconv.Itoa(int(b[19])))
					if _, err := d.Entry(); err != nil {
						t.Errorf("frame %d: entry at %d: %v", i+1, d.Offset(), err)
					}
					entries++
				}
				want := []string{strconv.Itoa(i + 1), strconv.Itoa(int(d.Command())), "1", strings.Join(pfx, ","), strings.Join(tag, ","), strings.Join(plen, ","), strings.Join(metric, ",")}
				for j, name := range []string{"frame", "command", "version", "prefixes", "tags", "prefix lengths", "metrics"} {
					if f[j] != want[j] {
						got, w := strings.Split(f[j], ","), strings.Split(want[j], ",")
						k := 0
						for k < min(len(got), len(w)) && got[k] == w[k] {
							k++
						}
						t.Errorf("frame %d: tshark's %s differ from ours at entry %d of %d/%d: %q vs %q", i+1, name, k, len(got), len(w), got[min(k, len(got)-1)], w[min(k, len(w)-1)])
					}
				}
			}
			// A verbose pass, as a person would read it: nothing malformed.
			v, err := exec.CommandContext(context.Background(), "tshark", "-r", path, "-V", "-o", "udp.check_checksum:TRUE").CombinedOutput()
			if err != nil || strings.Contains(string(v), "Malformed") || strings.Contains(string(v), "Expert Info") {
				t.Errorf("tshark -V: %v; malformed or expert info in:\n%.2000s", err, v)
			}
			t.Logf("MTU %d: %d datagrams, %d entries, decoded alike by tshark", mtu, len(dgrams), entries)
		})
	}
}

// writePcap writes each RIPng payload as an Ethernet/IPv6/UDP frame from
// fe80::a port 521, with a correct checksum.
func writePcap(t *testing.T, path string, payloads [][]byte) {
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := pcapgo.NewWriter(f)
	if err := w.WriteFileHeader(65536, layers.LinkTypeEthernet); err != nil {
		t.Fatal(err)
	}
	for i, p := range payloads {
		b := frame(net.HardwareAddr{2, 0, 0, 0, 0, 0xa}, llA, AllRIPRouters(), Port, Port, 255, p)
		ci := gopacket.CaptureInfo{Timestamp: time.Unix(1700000000+int64(i), 0), CaptureLength: len(b), Length: len(b)}
		if err := w.WritePacket(ci, b); err != nil {
			t.Fatal(err)
		}
	}
}
