package ripngdump

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/net/ipv6"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
	"github.com/v6kit/v6kit/ripng"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) { return cond(), nil }); err != nil {
		t.Fatalf("waiting for %s: %v", what, err)
	}
}

// TestCaptureCrossCheck captures BIRD, FRR and our speaker on one link
// with tshark (pcapng on Ethernet, classic pcap on Linux SLL) and with our
// live mode, and checks that ripngdump decodes every message as tshark does.
func TestCaptureCrossCheck(t *testing.T) {
	l := labtest.New(t)
	sdktest.RequireCommands(t, "tshark", "bird", "birdc", "/usr/lib/frr/zebra", "/usr/lib/frr/ripngd", "vtysh")
	if err := os.Chmod(l.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	sw, err := l.Namespace("sw")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Bridge("br0", true); err != nil {
		t.Fatal(err)
	}
	hosts := map[string]*lab.Netns{}
	for i, name := range []string{"go", "bird", "frr"} {
		ns, err := l.Namespace(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Attach(ns, "eth0", sw, "br0", fmt.Sprintf("p%d", i)); err != nil {
			t.Fatal(err)
		}
		if err := ns.StaticLinkLocal("eth0", netip.MustParseAddr(fmt.Sprintf("fe80::%d", i+1))); err != nil {
			t.Fatal(err)
		}
		hosts[name] = ns
	}

	// Captures: tshark writes pcapng on Ethernet in go, classic pcap on
	// Linux cooked v1 in bird, pcapng on Linux cooked v2 in frr; our live
	// mode runs in frr too.
	ngPath, sllPath, sll2Path := filepath.Join(l.Dir, "eth.pcapng"), filepath.Join(l.Dir, "sll.pcap"), filepath.Join(l.Dir, "sll2.pcapng")
	var captures []*lab.Daemon
	for _, c := range []struct {
		ns   string
		args []string
	}{
		{"go", []string{"tshark", "-i", "eth0", "-f", "udp port 521", "-w", ngPath}},
		{"bird", []string{"tshark", "-i", "any", "-y", "LINUX_SLL", "-F", "pcap", "-f", "udp port 521", "-w", sllPath}},
		{"frr", []string{"tshark", "-i", "any", "-y", "LINUX_SLL2", "-f", "udp port 521", "-w", sll2Path}},
	} {
		d, err := hosts[c.ns].Start(lab.DaemonSpec{Name: "tshark-" + c.ns, Args: c.args, Ready: func(d *lab.Daemon) (bool, error) {
			return strings.Contains(d.Log(), "Capturing on"), nil
		}})
		if err != nil {
			t.Fatal(err)
		}
		captures = append(captures, d)
	}
	liveCtx, stopLive := context.WithCancel(context.Background())
	defer stopLive()
	var liveOut lab.SyncBuffer
	liveDone := make(chan error, 1)
	go func() {
		liveDone <- hosts["frr"].Run(func() error { return Run(liveCtx, Options{Interface: "eth0", JSON: true}, &liveOut) })
	}()
	waitFor(t, "live capture to start", func() bool { return true })

	// BIRD, FRR and our speaker.
	birdDir := filepath.Join(l.Dir, "bird")
	os.MkdirAll(birdDir, 0o755)
	birdSock := filepath.Join(birdDir, "bird.ctl")
	os.WriteFile(filepath.Join(birdDir, "bird.conf"), []byte(`router id 192.0.2.11;
protocol device {}
protocol static { ipv6; route 2001:db8:100::/48 blackhole; route 2001:db8:101::/48 blackhole; }
protocol rip ng {
	ipv6 { import all; export filter { if net = 2001:db8:101::/48 then rip_tag = 7; accept; }; };
	interface "eth0" {};
}
`), 0o644)
	if _, err := hosts["bird"].Start(lab.DaemonSpec{Name: "bird", Args: []string{"bird", "-f", "-c", filepath.Join(birdDir, "bird.conf"), "-s", birdSock, "-P", filepath.Join(birdDir, "pid")},
		Ready: func(*lab.Daemon) (bool, error) {
			out, err := hosts["bird"].Output(context.Background(), "birdc", "-s", birdSock, "show", "status")
			return err == nil && strings.Contains(string(out), "up and running"), nil
		}}); err != nil {
		t.Fatal(err)
	}
	frrDir := startFRR(t, l, hosts["frr"])

	var conn *ripng.Conn
	if err := hosts["go"].Run(func() error {
		var err error
		conn, err = ripng.Listen("eth0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	sp, err := ripng.NewSpeaker(ripng.Config{
		Interfaces: []ripng.Interface{{Name: "eth0", Conn: conn, LinkLocal: conn.LinkLocal()}},
		Announce: []ripng.Route{
			{Prefix: netip.MustParsePrefix("2001:db8:60::/48"), Tag: 0x1234},
			{Prefix: netip.MustParsePrefix("2001:db8:61::/48"), NextHop: netip.MustParseAddr("fe80::3%eth0")},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	spCtx, stopSp := context.WithCancel(context.Background())
	spDone := make(chan error, 1)
	go func() { spDone <- sp.Run(spCtx) }()
	defer func() { stopSp(); <-spDone; conn.Close() }()

	waitFor(t, "FRR to learn BIRD's and our routes", func() bool {
		out, _ := hosts["frr"].Output(context.Background(), "vtysh", "--vty_socket", frrDir, "-c", "show ipv6 ripng")
		return strings.Contains(string(out), "2001:db8:60::/48") && strings.Contains(string(out), "2001:db8:101::/48")
	})
	// A query from a diagnostic port: answered to that port, and dropped
	// by BIRD's rules on both legs.
	// Zones by index: Go resolves zone names through a process-wide cache
	// that knows nothing of namespaces.
	ifi, err := hosts["go"].Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var q *net.UDPConn
	if err := hosts["go"].Run(func() error {
		var err error
		q, err = net.ListenUDP("udp6", &net.UDPAddr{IP: net.ParseIP("fe80::1"), Port: 5555, Zone: strconv.Itoa(ifi.Index)})
		if err != nil {
			return err
		}
		// Hop limit 255, so the source port is what BIRD drops it for
		// (it checks the hop limit first).
		return ipv6.NewPacketConn(q).SetHopLimit(255)
	}); err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	req := ripng.Message{Command: ripng.Request, Entries: []ripng.RTE{{Prefix: netip.MustParsePrefix("2001:db8:100::/48")}}}
	b, _ := req.MarshalBinary()
	if _, err := q.WriteToUDPAddrPort(b, netip.AddrPortFrom(netip.MustParseAddr("fe80::2").WithZone(strconv.Itoa(ifi.Index)), 521)); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "live capture to see all three speakers and the query", func() bool {
		select {
		case err := <-liveDone:
			t.Fatalf("live capture ended: %v", err)
		default:
		}
		s := liveOut.String()
		return strings.Contains(s, `"src":"fe80::1"`) && strings.Contains(s, `"src":"fe80::2"`) && strings.Contains(s, `"src":"fe80::3"`) && strings.Contains(s, "drop: source port 5555")
	})
	// Wait for tshark to have written what live saw (it buffers); then stop.
	waitFor(t, "tshark's files to hold all three speakers and the query", func() bool {
		for _, p := range []string{ngPath, sllPath, sll2Path} {
			var out bytes.Buffer
			if Run(context.Background(), Options{File: p, JSON: true}, &out) != nil {
				return false
			}
			for _, want := range []string{"drop: source port 5555", `"src":"fe80::1"`, `"src":"fe80::2"`, `"src":"fe80::3"`} {
				if !strings.Contains(out.String(), want) {
					return false
				}
			}
		}
		return true
	})
	stopLive()
	if err := <-liveDone; err != nil {
		t.Errorf("live Run: %v", err)
	}
	for _, d := range captures {
		d.Stop()
	}

	for _, path := range []string{ngPath, sllPath, sll2Path} {
		t.Run(filepath.Base(path), func(t *testing.T) {
			ours := ourMessages(t, path)
			theirs := tsharkMessages(t, hosts["go"], path)
			if len(ours) != len(theirs) {
				t.Fatalf("ripngdump decoded %d messages, tshark %d", len(ours), len(theirs))
			}
			srcs := map[string]bool{}
			for i := range ours {
				if ours[i] != theirs[i] {
					t.Errorf("message %d:\nripngdump: %s\ntshark:    %s", i, ours[i], theirs[i])
				}
				srcs[strings.Fields(ours[i])[0]] = true
			}
			for _, s := range []string{"fe80::1", "fe80::2", "fe80::3"} {
				if !srcs[s] {
					t.Errorf("no message from %s in %s", s, path)
				}
			}
			t.Logf("%d messages agree with tshark", len(ours))
		})
	}
	// Verdicts: everything the three speakers multicast is acceptable to
	// BIRD; the diagnostic query is not.
	var out bytes.Buffer
	if err := Run(context.Background(), Options{File: ngPath, JSON: true}, &out); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m Message
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		if m.Dst == "ff02::9" && m.Verdict != "accept" {
			t.Errorf("multicast message from %s: verdict %q, want accept", m.Src, m.Verdict)
		}
		if m.Src == "fe80::3" && m.Dst == "fe80::1" && m.HopLimit != 255 {
			t.Logf("FRR's unicast reply to us: hop limit %d, verdict %q (FRR's defect)", m.HopLimit, m.Verdict)
		}
		if m.Src == "fe80::1" && m.HopLimit != 255 && !strings.Contains(m.Verdict, "source port") {
			t.Errorf("we sent with hop limit %d: %s", m.HopLimit, line)
		}
	}
}

// ourMessages and tsharkMessages render each message as one comparable
// line: src dst hoplimit command version entries…
func ourMessages(t *testing.T, path string) []string {
	var out bytes.Buffer
	if err := Run(context.Background(), Options{File: path, JSON: true}, &out); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m Message
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatal(err)
		}
		s := fmt.Sprintf("%s %s %d %s %d", m.Src, m.Dst, m.HopLimit, m.Command, m.Version)
		for _, e := range m.Entries {
			if e.NextHop != "" {
				s += " nexthop=" + e.NextHop
			} else {
				s += fmt.Sprintf(" %s/tag=%d/metric=%d", e.Prefix, *e.Tag, *e.Metric)
			}
		}
		lines = append(lines, s)
	}
	return lines
}

func tsharkMessages(t *testing.T, ns *lab.Netns, path string) []string {
	out, err := ns.Output(context.Background(), "tshark", "-r", path, "-Y", "ripng", "-T", "json", "--no-duplicate-keys")
	if err != nil {
		t.Fatal(err)
	}
	// tshark prints a warning about running as root before the JSON.
	if i := bytes.IndexByte(out, '['); i > 0 {
		out = out[i:]
	}
	var pkts []struct {
		Source struct {
			Layers map[string]json.RawMessage `json:"layers"`
		} `json:"_source"`
	}
	if err := json.Unmarshal(out, &pkts); err != nil {
		t.Fatalf("tshark JSON: %v\n%s", err, out)
	}
	var lines []string
	for _, p := range pkts {
		var ip struct {
			Src  string `json:"ipv6.src"`
			Dst  string `json:"ipv6.dst"`
			Hlim string `json:"ipv6.hlim"`
		}
		var rip struct {
			Cmd     string          `json:"ripng.cmd"`
			Version string          `json:"ripng.version"`
			RTE     json.RawMessage `json:"ripng.rte"`
		}
		if err := json.Unmarshal(p.Source.Layers["ipv6"], &ip); err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(p.Source.Layers["ripng"], &rip); err != nil {
			t.Fatal(err)
		}
		type rte struct {
			Prefix string `json:"ripng.rte.ipv6_prefix"`
			Tag    string `json:"ripng.rte.route_tag"`
			Len    string `json:"ripng.rte.prefix_length"`
			Metric string `json:"ripng.rte.metric"`
		}
		var rtes []rte
		if len(rip.RTE) > 0 && rip.RTE[0] == '[' {
			if err := json.Unmarshal(rip.RTE, &rtes); err != nil {
				t.Fatal(err)
			}
		} else if len(rip.RTE) > 0 {
			var one rte
			if err := json.Unmarshal(rip.RTE, &one); err != nil {
				t.Fatal(err)
			}
			rtes = []rte{one}
		}
		cmd := map[string]string{"1": "request", "2": "response"}[rip.Cmd]
		s := fmt.Sprintf("%s %s %s %s %s", ip.Src, ip.Dst, ip.Hlim, cmd, rip.Version)
		for _, e := range rtes {
			if e.Metric == "255" {
				s += " nexthop=" + e.Prefix
				continue
			}
			tag, _ := strconv.ParseUint(strings.TrimPrefix(e.Tag, "0x"), 16, 16)
			s += fmt.Sprintf(" %s/%s/tag=%d/metric=%s", e.Prefix, e.Len, tag, e.Metric)
		}
		lines = append(lines, s)
	}
	return lines
}

func startFRR(t *testing.T, l *lab.Lab, ns *lab.Netns) string {
	u, err := user.Lookup("frr")
	if err != nil {
		sdktest.Skip(t, "no frr user: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	dir := filepath.Join(l.Dir, "frr")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{
		"zebra.conf":  "hostname zebra\n",
		"ripngd.conf": "hostname ripngd\nrouter ripng\n network eth0\n route 2001:db8:f00::/48\n",
	} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		os.Chown(p, uid, gid)
	}
	os.Chown(dir, uid, gid)
	for _, d := range []string{"zebra", "ripngd"} {
		pid := filepath.Join(dir, d+".pid")
		if _, err := ns.Start(lab.DaemonSpec{
			Name:    d,
			Args:    []string{"/usr/lib/frr/" + d, "-d", "-f", filepath.Join(dir, d+".conf"), "-i", pid, "-z", filepath.Join(dir, "zserv.api"), "--vty_socket", dir, "-P", "0"},
			PIDFile: pid,
			Ready: func(*lab.Daemon) (bool, error) {
				_, err := os.Stat(filepath.Join(dir, d+".vty"))
				return err == nil, nil
			},
		}); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}
