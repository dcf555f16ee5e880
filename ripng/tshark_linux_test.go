package ripng

import (
	"fmt"
	"net"
	"net/netip"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

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
			lines := sdktest.TsharkFields(t, path, []string{"frame.number", "ripng.cmd", "ripng.version", "ripng.rte.ipv6_prefix", "ripng.rte.route_tag", "ripng.rte.prefix_length", "ripng.rte.metric", "_ws.expert", "_ws.malformed", "udp.checksum.status"}, "-o", "udp.check_checksum:TRUE")
			if len(lines) != len(dgrams) {
				t.Fatalf("tshark decoded %d frames, we wrote %d", len(lines), len(dgrams))
			}
			entries := 0
			for i, f := range lines {
				if len(f) != 10 {
					t.Fatalf("frame %d: %d fields: %q", i+1, len(f), f)
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
			// A verbose pass, as a person would read it: nothing malformed,
			// no expert info of any level.
			for i, fr := range sdktest.TsharkFrames(t, path, "-o", "udp.check_checksum:TRUE") {
				if bad := sdktest.TsharkProblem(fr, "Expert Info"); bad != "" {
					t.Errorf("frame %d: tshark -V says %q:\n%.2000s", i+1, bad, fr)
				}
			}
			t.Logf("MTU %d: %d datagrams, %d entries, decoded alike by tshark", mtu, len(dgrams), entries)
		})
	}
}

// writePcap writes each RIPng payload as an Ethernet/IPv6/UDP frame from
// fe80::a port 521, with a correct checksum.
func writePcap(t *testing.T, path string, payloads [][]byte) {
	frames := make([][]byte, len(payloads))
	for i, p := range payloads {
		frames[i] = frame(net.HardwareAddr{2, 0, 0, 0, 0, 0xa}, llA, AllRIPRouters(), Port, Port, 255, p)
	}
	sdktest.WritePcap(t, path, frames)
}
