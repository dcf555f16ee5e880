package ripng

import (
	"context"
	"net"
	"net/netip"
	"os"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/net/ipv6"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/sdktest"
)

// ripLab is one link with BIRD, FRR and (when started) our speaker.
type ripLab struct {
	l                *lab.Lab
	goNS, bird, frr  *lab.Netns
	birdSock, frrDir string
	birdD            *lab.Daemon
}

var (
	llGo   = netip.MustParseAddr("fe80::1")
	llBird = netip.MustParseAddr("fe80::2")
	llFRR  = netip.MustParseAddr("fe80::3")
	pBird  = netip.MustParsePrefix("2001:db8:100::/48")
	pBird7 = netip.MustParsePrefix("2001:db8:101::/48") // BIRD exports it with tag 7
	pFRR   = netip.MustParsePrefix("2001:db8:f00::/48")
)

func waitCtx(t testing.TB, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// newRipLab builds the link; withBird/withFRR start those peers.
func newRipLab(t testing.TB, withBird, withFRR bool) *ripLab {
	t.Helper()
	l := labtest.New(t)
	if withBird {
		sdktest.RequireCommands(t, "bird", "birdc")
	}
	if withFRR {
		sdktest.RequireCommands(t, "/usr/lib/frr/zebra", "/usr/lib/frr/ripngd", "vtysh")
	}
	rl := &ripLab{l: l}
	sw, err := l.Namespace("sw")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Bridge("br0", true); err != nil {
		t.Fatal(err)
	}
	host := func(name string, ll netip.Addr, port string) *lab.Netns {
		ns, err := l.Namespace(name)
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Attach(ns, "eth0", sw, "br0", port); err != nil {
			t.Fatal(err)
		}
		if err := ns.StaticLinkLocal("eth0", ll); err != nil {
			t.Fatal(err)
		}
		return ns
	}
	rl.goNS = host("go", llGo, "p1")
	if withBird {
		rl.bird = host("bird", llBird, "p2")
		rl.startBird(t)
	}
	if withFRR {
		rl.frr = host("frr", llFRR, "p3")
		rl.startFRR(t)
	}
	return rl
}

func (rl *ripLab) startBird(t testing.TB) {
	t.Helper()
	dir := filepath.Join(rl.l.Dir, "bird")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	conf := filepath.Join(dir, "bird.conf")
	rl.birdSock = filepath.Join(dir, "bird.ctl")
	cfg := `router id 192.0.2.11;
log stderr all;
debug protocols all;
protocol device {}
protocol static {
	ipv6;
	route 2001:db8:100::/48 blackhole;
	route 2001:db8:101::/48 blackhole;
}
protocol static dyn {
	disabled;
	ipv6;
	route 2001:db8:200::/48 blackhole;
}
protocol rip ng {
	ipv6 {
		import all;
		export filter {
			if net = 2001:db8:101::/48 then rip_tag = 7;
			accept;
		};
	};
	interface "eth0" {};
}
`
	if err := os.WriteFile(conf, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	var err error
	rl.birdD, err = rl.bird.Start(lab.DaemonSpec{
		Name: "bird",
		Args: []string{"bird", "-f", "-c", conf, "-s", rl.birdSock, "-P", filepath.Join(dir, "bird.pid")},
		Ready: func(d *lab.Daemon) (bool, error) {
			out, err := rl.bird.Output(context.Background(), "birdc", "-s", rl.birdSock, "show", "status")
			return err == nil && strings.Contains(string(out), "Daemon is up and running"), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
}

func (rl *ripLab) startFRR(t testing.TB) {
	t.Helper()
	// FRR drops to user frr: its directory (and the path to it) must be
	// reachable and owned by frr.
	if err := os.Chmod(rl.l.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	u, err := user.Lookup("frr")
	if err != nil {
		sdktest.Skip(t, "no frr user: %v", err)
	}
	uid, _ := strconv.Atoi(u.Uid)
	gid, _ := strconv.Atoi(u.Gid)
	dir := filepath.Join(rl.l.Dir, "frr")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	rl.frrDir = dir
	files := map[string]string{
		"zebra.conf":  "hostname zebra\n",
		"ripngd.conf": "hostname ripngd\nrouter ripng\n network eth0\n route 2001:db8:f00::/48\n",
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(p, uid, gid); err != nil {
			t.Fatal(err)
		}
	}
	if err := os.Chown(dir, uid, gid); err != nil {
		t.Fatal(err)
	}
	for _, d := range []string{"zebra", "ripngd"} {
		pid := filepath.Join(dir, d+".pid")
		_, err := rl.frr.Start(lab.DaemonSpec{
			Name:    d,
			Args:    []string{"/usr/lib/frr/" + d, "-d", "-f", filepath.Join(dir, d+".conf"), "-i", pid, "-z", filepath.Join(dir, "zserv.api"), "--vty_socket", dir, "-P", "0"},
			PIDFile: pid,
			Ready: func(*lab.Daemon) (bool, error) {
				_, err := os.Stat(filepath.Join(dir, d+".vty"))
				return err == nil, nil
			},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}

func (rl *ripLab) birdc(t testing.TB, args ...string) string {
	t.Helper()
	out, err := rl.bird.Output(context.Background(), "birdc", append([]string{"-s", rl.birdSock}, args...)...)
	if err != nil {
		t.Fatalf("birdc %v: %v", args, err)
	}
	return string(out)
}

func (rl *ripLab) vtysh(t testing.TB, cmd string) string {
	t.Helper()
	out, err := rl.frr.Output(context.Background(), "vtysh", "--vty_socket", rl.frrDir, "-c", cmd)
	if err != nil {
		t.Fatalf("vtysh -c %q: %v", cmd, err)
	}
	return string(out)
}

// speaker starts our speaker in the go namespace; stop ends it (with its
// final update) and waits.
func (rl *ripLab) speaker(t testing.TB, cfg Config) (s *Speaker, stop func()) {
	t.Helper()
	var conn *Conn
	if err := rl.goNS.Run(func() error {
		var err error
		conn, err = Listen("eth0")
		return err
	}); err != nil {
		t.Fatal(err)
	}
	cfg.Interfaces = []Interface{{Name: "eth0", Conn: conn, LinkLocal: conn.LinkLocal()}}
	cfg.OnError = func(err error) { t.Logf("speaker: %v", err) }
	s, err := NewSpeaker(cfg)
	if err != nil {
		conn.Close()
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	stopped := false
	stop = func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		if err := <-done; err != nil {
			t.Errorf("speaker: %v", err)
		}
		conn.Close() // we opened it: we close it, after Run
	}
	t.Cleanup(stop)
	return s, stop
}

// birdRoute returns BIRD's `show route all` for p ("" if absent).
func (rl *ripLab) birdRoute(t testing.TB, p netip.Prefix) string {
	b, err := rl.bird.Output(context.Background(), "birdc", "-s", rl.birdSock, "show", "route", "all", "for", p.String())
	out := string(b)
	if err != nil && !strings.Contains(out, "Network not found") {
		t.Fatalf("birdc show route all for %v: %v", p, err)
	}
	if !strings.Contains(out, p.String()) {
		return ""
	}
	return out
}

// frrRoute returns FRR's `show ipv6 ripng` line for p ("" if absent).
// FRR prints the next hop, interface, metric, tag and time on the line after
// the prefix; they are joined with single spaces.
func (rl *ripLab) frrRoute(t testing.TB, p netip.Prefix) string {
	lines := strings.Split(rl.vtysh(t, "show ipv6 ripng"), "\n")
	for i, line := range lines {
		f := strings.Fields(line)
		if len(f) >= 2 && f[1] == p.String() {
			if len(f) == 2 && i+1 < len(lines) {
				f = append(f, strings.Fields(lines[i+1])...)
			}
			return strings.Join(f, " ")
		}
	}
	return ""
}

func waitFor(t testing.TB, what string, d time.Duration, cond func() bool) time.Duration {
	t.Helper()
	start := time.Now()
	if err := lab.WaitFor(waitCtx(t, d), 20*time.Millisecond, func() (bool, error) { return cond(), nil }); err != nil {
		t.Fatalf("waiting %v for %s: %v", d, what, err)
	}
	return time.Since(start)
}

func TestInteropBirdFRR(t *testing.T) {
	rl := newRipLab(t, true, true)
	pOurs := netip.MustParsePrefix("2001:db8:60::/48")
	pVia := netip.MustParsePrefix("2001:db8:61::/48") // advertised with a next-hop entry naming FRR
	s, stop := rl.speaker(t, Config{Announce: []Route{
		{Prefix: pOurs, Tag: 0x1234},
		{Prefix: pVia, NextHop: llFRR.WithZone("eth0"), Metric: 2},
	}})

	// Everyone learns everyone, within the 60 s deadline; RIPng converges
	// in seconds.
	d := waitFor(t, "our speaker to learn BIRD's and FRR's routes", 60*time.Second, func() bool {
		_, a := routeOf(s, pBird)
		r7, b := routeOf(s, pBird7)
		_, c := routeOf(s, pFRR)
		return a && b && c && r7.Tag == 7
	})
	t.Logf("we learned BIRD's and FRR's routes in %v", d)
	for _, p := range []netip.Prefix{pBird, pFRR} {
		r, _ := routeOf(s, p)
		if r.Metric != 2 || r.Interface != "eth0" || !r.NextHop.IsLinkLocalUnicast() {
			t.Errorf("our route %v = %+v, want metric 2 on eth0 via a link-local", p, r)
		}
	}
	if r, _ := routeOf(s, pBird); r.NextHop != llBird {
		t.Errorf("BIRD's route via %v, want %v", r.NextHop, llBird)
	}
	if r, _ := routeOf(s, pFRR); r.NextHop != llFRR {
		t.Errorf("FRR's route via %v, want %v", r.NextHop, llFRR)
	}

	d = waitFor(t, "BIRD to learn our routes and FRR's", 60*time.Second, func() bool {
		return rl.birdRoute(t, pOurs) != "" && rl.birdRoute(t, pVia) != "" && rl.birdRoute(t, pFRR) != ""
	})
	t.Logf("BIRD learned ours and FRR's in %v", d)
	ours := rl.birdRoute(t, pOurs)
	if !strings.Contains(ours, "via fe80::1 on eth0") || !regexp.MustCompile(`(?i)tag: 0*1234`).MatchString(ours) {
		t.Errorf("BIRD's route for %v lacks our next hop or tag 0x1234:\n%s", pOurs, ours)
	}
	if via := rl.birdRoute(t, pVia); !strings.Contains(via, "via fe80::3 on eth0") {
		t.Errorf("BIRD's route for %v does not follow our next-hop entry to FRR:\n%s", pVia, via)
	}

	d = waitFor(t, "FRR to learn our routes and BIRD's", 60*time.Second, func() bool {
		return rl.frrRoute(t, pOurs) != "" && rl.frrRoute(t, pBird) != "" && rl.frrRoute(t, pVia) != ""
	})
	t.Logf("FRR learned ours and BIRD's in %v", d)
	// "R(n) PREFIX NEXTHOP VIA METRIC TAG TIME"
	if f := strings.Fields(rl.frrRoute(t, pOurs)); len(f) < 6 || f[2] != "fe80::1" || f[4] != "2" || f[5] != "4660" {
		t.Errorf("FRR's route for %v = %q, want via fe80::1 metric 2 tag 4660:\n%s", pOurs, f, rl.vtysh(t, "show ipv6 ripng"))
	}
	if f := strings.Fields(rl.frrRoute(t, pVia)); len(f) < 6 || f[2] != "fe80::3" || f[4] != "3" {
		t.Errorf("FRR's route for %v = %q, want via fe80::3 (our next-hop entry) metric 3", pVia, f)
	}
	if f := strings.Fields(rl.frrRoute(t, pBird7)); len(f) < 6 || f[5] != "7" {
		t.Errorf("FRR's route for %v = %q, want BIRD's tag 7", pBird7, f)
	}

	// BIRD lists us as a neighbour without bad packets.
	nb := rl.birdc(t, "show", "rip", "neighbors")
	if !strings.Contains(nb, "fe80::1") {
		t.Errorf("birdc show rip neighbors does not list us:\n%s", nb)
	}
	t.Logf("birdc show rip neighbors:\n%s", nb)
	if log := rl.birdD.Log(); strings.Contains(log, "from fe80::1") && regexp.MustCompile(`(?i)(bad|invalid|ignored|too low|dropp).*fe80::1|fe80::1.*(bad|invalid|ignored|too low)`).MatchString(log) {
		t.Errorf("BIRD complained about our packets:\n%s", log)
	}
	for _, n := range s.Neighbors() {
		if n.BadPackets != 0 || n.BadRoutes != 0 {
			t.Errorf("neighbour %v sent bad packets/routes: %+v", n.Addr, n)
		}
	}

	// A specific query from a diagnostic port in BIRD's namespace is
	// answered to that port, from 521, with hop limit 255.
	ifi, err := rl.bird.Interface("eth0")
	if err != nil {
		t.Fatal(err)
	}
	var q *net.UDPConn
	if err := rl.bird.Run(func() error {
		var err error
		// Zones by index: zone names go through a process-wide cache
		// that knows nothing of namespaces.
		q, err = net.ListenUDP("udp6", &net.UDPAddr{IP: llBird.AsSlice(), Zone: strconv.Itoa(ifi.Index)})
		return err
	}); err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	qp := ipv6.NewPacketConn(q)
	if err := qp.SetControlMessage(ipv6.FlagHopLimit, true); err != nil {
		t.Fatal(err)
	}
	query := Message{Command: Request, Entries: []RTE{{Prefix: pFRR}, {Prefix: netip.MustParsePrefix("2001:db8:dead::/48")}}}
	qb, _ := query.MarshalBinary()
	if _, err := q.WriteToUDPAddrPort(qb, netip.AddrPortFrom(llGo.WithZone(strconv.Itoa(ifi.Index)), Port)); err != nil {
		t.Fatal(err)
	}
	q.SetReadDeadline(time.Now().Add(30 * time.Second))
	buf := make([]byte, 1500)
	n, cm, from, err := qp.ReadFrom(buf)
	if err != nil {
		t.Fatalf("no answer to a specific query: %v", err)
	}
	var ans Message
	if err := ans.UnmarshalBinary(buf[:n]); err != nil {
		t.Fatal(err)
	}
	wantAns := []RTE{{Prefix: pFRR, Metric: 2}, {Prefix: netip.MustParsePrefix("2001:db8:dead::/48"), Metric: Infinity}}
	if diff := cmp.Diff(wantAns, ans.Entries, cmpOpts...); diff != "" || ans.Command != Response {
		t.Errorf("answer to a specific query (-want +got):\n%s", diff)
	}
	if ua := from.(*net.UDPAddr); ua.Port != Port || cm == nil || cm.HopLimit != 255 {
		t.Errorf("answer came from port %d with hop limit %v, want 521 and 255", ua.Port, cm)
	}

	// A withdrawal reaches both as metric 16 within the triggered bound.
	start := time.Now()
	s.Withdraw(pOurs)
	waitFor(t, "BIRD and FRR to see the withdrawal", 60*time.Second, func() bool {
		f := strings.Fields(rl.frrRoute(t, pOurs))
		// BIRD drops an unreachable route at once; FRR keeps it with
		// metric 16 until garbage collection, 120 s later.
		return rl.birdRoute(t, pOurs) == "" && len(f) > 4 && f[4] == "16"
	})
	if el := time.Since(start); el > 12*time.Second {
		t.Errorf("withdrawal took %v, want within a triggered update (≤ 5 s)", el)
	}
	t.Logf("withdrawal reached BIRD and FRR in %v", time.Since(start))

	// Restart: our final update poisons our routes, and the restarted
	// speaker is back in BIRD's table (and has FRR's routes, though FRR's
	// unicast replies carry hop limit 64) via the start-up exchange.
	stop()
	waitFor(t, "BIRD to drop our route after our final update", 60*time.Second, func() bool { return rl.birdRoute(t, pVia) == "" })
	start = time.Now()
	s2, _ := rl.speaker(t, Config{Announce: []Route{{Prefix: pOurs, Tag: 0x1234}}})
	waitFor(t, "BIRD to have us back", 60*time.Second, func() bool { return rl.birdRoute(t, pOurs) != "" })
	back := time.Since(start)
	waitFor(t, "us to have FRR's and BIRD's routes back", 60*time.Second, func() bool {
		_, a := routeOf(s2, pFRR)
		_, b := routeOf(s2, pBird)
		return a && b
	})
	t.Logf("after restart: back in BIRD's table in %v; have their routes in %v", back, time.Since(start))
	if back > 8*time.Second {
		t.Errorf("back in BIRD's table after %v, want at once (start-up update)", back)
	}
	// FRR answers our start-up request with a unicast reply at hop limit
	// 64, which we accept (BIRD would not): nothing counted as bad.
	if st := s2.Stats(); st.BadPackets != 0 || st.BadRoutes != 0 {
		t.Errorf("restarted speaker counted bad packets: %+v", st)
	}
}

func TestInteropLargeTable(t *testing.T) {
	rl := newRipLab(t, true, true)
	var routes []Route
	for i := range 200 {
		routes = append(routes, Route{Prefix: netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0x70, byte(i)}), 48), Tag: uint16(i)})
	}
	rl.speaker(t, Config{Announce: routes})
	re := regexp.MustCompile(`2001:db8:70[0-9a-f]{2}::/48`)
	count := func(s string) int { return len(re.FindAllString(s, -1)) }
	d := waitFor(t, "BIRD to have all 200 routes", 60*time.Second, func() bool {
		return count(rl.birdc(t, "show", "route")) == 200
	})
	t.Logf("BIRD has all 200 in %v", d)
	d = waitFor(t, "FRR to have all 200 routes", 60*time.Second, func() bool {
		return count(rl.vtysh(t, "show ipv6 ripng")) == 200
	})
	t.Logf("FRR has all 200 in %v", d)
}

// BenchmarkConvergence measures, on one lab link, how long a new route and
// a withdrawal take to reach the other speakers: from our speaker to BIRD
// and to FRR, against BIRD to FRR and FRR to BIRD in the same run. Times
// include polling birdc/vtysh every 10 ms.
func BenchmarkConvergence(b *testing.B) {
	rl := newRipLab(b, true, true)
	s, _ := rl.speaker(b, Config{})
	waitFor(b, "initial convergence", 60*time.Second, func() bool {
		_, ok := routeOf(s, pFRR)
		return ok && rl.frrRoute(b, pBird) != ""
	})
	pDyn := netip.MustParsePrefix("2001:db8:200::/48")
	pF := netip.MustParsePrefix("2001:db8:f01::/48")
	frrMetric := func(p netip.Prefix) string {
		if f := strings.Fields(rl.frrRoute(b, p)); len(f) > 4 {
			return f[4]
		}
		return ""
	}
	inFRR := func(p netip.Prefix) bool { m := frrMetric(p); return m != "" && m != "16" }
	goneFRR := func(p netip.Prefix) bool { return !inFRR(p) }
	timeIt := func(what string, cond func() bool) time.Duration {
		start := time.Now()
		if err := lab.WaitFor(waitCtx(b, 60*time.Second), 10*time.Millisecond, func() (bool, error) { return cond(), nil }); err != nil {
			b.Errorf("%s: %v", what, err)
		}
		return time.Since(start)
	}
	var sum [8]time.Duration
	names := [8]string{"ours→BIRD", "ours→FRR", "BIRD→FRR", "FRR→BIRD", "ours-withdraw→BIRD", "ours-withdraw→FRR", "BIRD-withdraw→FRR", "FRR-withdraw→BIRD"}
	n := 0
	for b.Loop() {
		p := netip.PrefixFrom(netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0x90, byte(n)}), 48)
		_ = s.Announce(Route{Prefix: p})
		var wg sync.WaitGroup
		wg.Add(2)
		go func() {
			defer wg.Done()
			sum[0] += timeIt("ours→BIRD", func() bool { return rl.birdRoute(b, p) != "" })
		}()
		go func() { defer wg.Done(); sum[1] += timeIt("ours→FRR", func() bool { return inFRR(p) }) }()
		wg.Wait()

		rl.birdc(b, "enable", "dyn")
		sum[2] += timeIt("BIRD→FRR", func() bool { return inFRR(pDyn) })
		rl.vtysh(b, "configure terminal\nrouter ripng\nroute "+pF.String())
		sum[3] += timeIt("FRR→BIRD", func() bool { return rl.birdRoute(b, pF) != "" })

		s.Withdraw(p)
		wg.Add(2)
		go func() {
			defer wg.Done()
			sum[4] += timeIt("ours-withdraw→BIRD", func() bool { return rl.birdRoute(b, p) == "" })
		}()
		go func() { defer wg.Done(); sum[5] += timeIt("ours-withdraw→FRR", func() bool { return goneFRR(p) }) }()
		wg.Wait()
		rl.birdc(b, "disable", "dyn")
		sum[6] += timeIt("BIRD-withdraw→FRR", func() bool { return goneFRR(pDyn) })
		rl.vtysh(b, "configure terminal\nrouter ripng\nno route "+pF.String())
		sum[7] += timeIt("FRR-withdraw→BIRD", func() bool { return rl.birdRoute(b, pF) == "" })
		n++
	}
	for i, d := range sum {
		b.ReportMetric(float64(d.Milliseconds())/float64(n), "ms/"+names[i])
	}
}

// TestInteropTwoLinks puts our speaker between BIRD (on eth0) and FRR (on
// eth1), two sockets on port 521 in one namespace: each peer learns the
// other's routes through us, one hop further.
func TestInteropTwoLinks(t *testing.T) {
	l := labtest.New(t)
	sdktest.RequireCommands(t, "bird", "birdc", "/usr/lib/frr/zebra", "/usr/lib/frr/ripngd", "vtysh")
	rl := &ripLab{l: l}
	var err error
	if rl.goNS, err = l.Namespace("go"); err != nil {
		t.Fatal(err)
	}
	if rl.bird, err = l.Namespace("bird"); err != nil {
		t.Fatal(err)
	}
	if rl.frr, err = l.Namespace("frr"); err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(rl.goNS, "eth0", rl.bird, "eth0"); err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(rl.goNS, "eth1", rl.frr, "eth0"); err != nil {
		t.Fatal(err)
	}
	for _, x := range []struct {
		ns *lab.Netns
		If string
		ll netip.Addr
	}{{rl.goNS, "eth0", llGo}, {rl.goNS, "eth1", netip.MustParseAddr("fe80::11")}, {rl.bird, "eth0", llBird}, {rl.frr, "eth0", llFRR}} {
		if err := x.ns.StaticLinkLocal(x.If, x.ll); err != nil {
			t.Fatal(err)
		}
	}
	rl.startBird(t)
	rl.startFRR(t)

	var ifs []Interface
	for _, name := range []string{"eth0", "eth1"} {
		var c *Conn
		if err := rl.goNS.Run(func() error {
			var err error
			c, err = Listen(name)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ifs = append(ifs, Interface{Name: name, Conn: c, LinkLocal: c.LinkLocal()})
	}
	s, err := NewSpeaker(Config{Interfaces: ifs, OnError: func(err error) { t.Logf("speaker: %v", err) }})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Error(err)
		}
	}()

	d := waitFor(t, "BIRD and FRR to learn each other's routes through us", 60*time.Second, func() bool {
		f := strings.Fields(rl.frrRoute(t, pBird7))
		return rl.birdRoute(t, pFRR) != "" && len(f) > 5 && f[4] == "3" && f[5] == "7"
	})
	t.Logf("converged across two links in %v", d)
	if r := rl.birdRoute(t, pFRR); !strings.Contains(r, "via fe80::1 on eth0") {
		t.Errorf("BIRD's route to FRR's prefix:\n%s", r)
	}
	if f := strings.Fields(rl.frrRoute(t, pBird7)); f[2] != "fe80::11" {
		t.Errorf("FRR's route to BIRD's prefix = %q, want via fe80::11", f)
	}
	if r, ok := routeOf(s, pFRR); !ok || r.Interface != "eth1" || r.NextHop != llFRR {
		t.Errorf("our route to FRR's prefix = %+v", r)
	}
	if r, ok := routeOf(s, pBird); !ok || r.Interface != "eth0" || r.NextHop != llBird {
		t.Errorf("our route to BIRD's prefix = %+v", r)
	}
	for _, i := range s.Interfaces() {
		if i.Neighbors != 1 {
			t.Errorf("interface %s has %d neighbours, want 1", i.Name, i.Neighbors)
		}
	}
}

// TestInteropInterfaceDownUp takes our interface down and up under
// an InterfaceWatcher: BIRD's routes become unreachable at once, and on up our
// whole-table request gets them back from BIRD without waiting for its
// periodic update.
func TestInteropInterfaceDownUp(t *testing.T) {
	rl := newRipLab(t, true, false)
	s, _ := rl.speaker(t, Config{Announce: []Route{{Prefix: netip.MustParsePrefix("2001:db8:60::/48")}}})
	var w *InterfaceWatcher
	if err := rl.goNS.Run(func() (err error) { w, err = NewInterfaceWatcher(s); return err }); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	watchDone := make(chan error, 1)
	go func() { watchDone <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-watchDone; err != nil {
			t.Errorf("InterfaceWatcher.Run: %v", err)
		}
		if err := w.Close(); err != nil {
			t.Errorf("InterfaceWatcher.Close: %v", err)
		}
	}()
	metric := func() uint8 {
		r, ok := routeOf(s, pBird)
		if !ok {
			return 0
		}
		return r.Metric
	}
	waitFor(t, "BIRD's route", 60*time.Second, func() bool { return metric() == 2 })
	requests := s.Stats().RequestsSent

	if err := rl.goNS.IP("link", "set", "eth0", "down"); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "BIRD's route to become unreachable on link down", 60*time.Second, func() bool { return metric() == Infinity })
	if is := s.Interfaces(); is[0].Up {
		t.Errorf("eth0 still up in our view: %+v", is[0])
	}

	start := time.Now()
	// Down removed the address; StaticLinkLocal sets the link up and
	// adds it again.
	if err := rl.goNS.StaticLinkLocal("eth0", llGo); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "BIRD's route back after up", 60*time.Second, func() bool { return metric() == 2 })
	t.Logf("BIRD's route back %v after link up", time.Since(start))
	if got := s.Stats().RequestsSent; got != requests+1 {
		t.Errorf("requests sent went from %d to %d, want one more on up", requests, got)
	}
	if is := s.Interfaces(); !is[0].Up {
		t.Errorf("eth0 not up in our view: %+v", is[0])
	}
	waitFor(t, "BIRD to have our route again", 60*time.Second, func() bool { return rl.birdRoute(t, netip.MustParsePrefix("2001:db8:60::/48")) != "" })
}
