package discover

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/internal/v6frame"
)

// BenchmarkDiscoveryLarge scans one bridge with many hosts — 250 and then
// 1000, or the sizes in V6KIT_BENCH_HOSTS ("250,1000"), the lab grown
// between them — each host with a static link-local and global address,
// on a bridge that snoops multicast (V6KIT_BENCH_SNOOPING=0: one that
// floods it), and reports for each size the time to find every host and address, the
// recall, the frames the scan sent and its memory, in process
// (V6KIT_BENCH_RUNS scans, default 3) and as the v6disc program. The scan
// timeout is 1 s, or V6KIT_BENCH_TIMEOUT.
//
// One kernel emulating a thousand hosts hits limits real links do not
// have, so the benchmark lifts them as PEERS.md describes, for the run
// only, and restores them afterwards (they are machine-wide):
// net.core.netdev_max_backlog to 100000 (the bridge copies every host's
// multicast NS and MLD report to every port) and the IPv6 neighbour
// table's gc_thresh1/2/3 to 8192/16384/32768 (one table for every
// namespace: the scanner alone holds two entries per host); and it
// gives the hosts' receive processing CPUs of their own, apart from the
// switch's and the scanner's (see rpsMasks).
// Run it with -bench DiscoveryLarge -benchtime 1x as root.
func BenchmarkDiscoveryLarge(b *testing.B) {
	sizes := []int{250, 1000}
	if v := os.Getenv("V6KIT_BENCH_HOSTS"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			n, err := strconv.Atoi(strings.TrimSpace(f))
			if err != nil || n <= 0 {
				b.Fatalf("V6KIT_BENCH_HOSTS=%q: want sizes such as 250,1000", v)
			}
			sizes = append(sizes, n)
		}
		slices.Sort(sizes)
	}
	timeout := time.Second
	if v, err := time.ParseDuration(os.Getenv("V6KIT_BENCH_TIMEOUT")); err == nil && v > 0 {
		timeout = v
	}
	runs := 3
	if v, err := strconv.Atoi(os.Getenv("V6KIT_BENCH_RUNS")); err == nil && v > 0 {
		runs = v
	}
	l := labtest.New(b)
	for _, k := range []struct{ path, value string }{
		{"/proc/sys/net/core/netdev_max_backlog", "100000"},
		{"/proc/sys/net/ipv6/neigh/default/gc_thresh1", "8192"},
		{"/proc/sys/net/ipv6/neigh/default/gc_thresh2", "16384"},
		{"/proc/sys/net/ipv6/neigh/default/gc_thresh3", "32768"},
	} {
		old, err := os.ReadFile(k.path)
		if err != nil {
			b.Fatal(err)
		}
		if err := os.WriteFile(k.path, []byte(k.value), 0o644); err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { _ = os.WriteFile(k.path, old, 0o644) })
	}
	sw, err := l.Namespace("sw")
	if err != nil {
		b.Fatal(err)
	}
	if err := sw.Bridge("br0", false); err != nil {
		b.Fatal(err)
	}
	// The bridge snoops multicast, as a managed switch and a Linux
	// bridge by default do (V6KIT_BENCH_SNOOPING=0: an unmanaged switch).
	// Without it every host's multicast NS for the scanner's address and
	// every MLD report is copied to every port: 3 million frames for 1000
	// hosts, which one kernel on two CPUs takes tens of seconds to move —
	// an emulation limit (real hosts each have their own NIC and CPU).
	// The scanner's MLD query makes the bridge trust what it snooped.
	snooping := os.Getenv("V6KIT_BENCH_SNOOPING") != "0"
	if snooping {
		if err := sw.IP("link", "set", "br0", "type", "bridge", "mcast_snooping", "1"); err != nil {
			b.Fatal(err)
		}
	}
	scan, err := l.Namespace("scan")
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Attach(scan, "eth0", sw, "br0", "p0"); err != nil {
		b.Fatal(err)
	}
	_, wire := rpsMasks()
	if err := steer(scan, "eth0", wire); err != nil {
		b.Fatal(err)
	}
	if err := steer(sw, "p0", wire); err != nil {
		b.Fatal(err)
	}
	if err := scan.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::5ca")); err != nil {
		b.Fatal(err)
	}
	if err := scan.AddAddr("eth0", netip.MustParsePrefix("2001:db8:1::5ca/64")); err != nil {
		b.Fatal(err)
	}
	known, err := knowScanner(l, scan)
	if err != nil {
		b.Fatal(err)
	}
	var want truth
	d := &discoveryLab{l: l, sw: sw, scan: scan}
	var tab strings.Builder
	fmt.Fprintf(&tab, "%-6s %-40s %5s %18s %18s  %-44s %s\n", "hosts", "tool", "runs", "exit", "100% recall at", "recall (last run)", "sent (last run) / memory")
	for b.Loop() {
		built := 0
		for _, n := range sizes {
			buildStart := time.Now()
			for i := built + 1; i <= n; i++ {
				want = append(want, largeHost(b, l, sw, i, known))
			}
			built = n
			b.Logf("grew the lab to %d hosts in %v", n, time.Since(buildStart).Round(time.Millisecond))
			s := d.scanner(b, &Options{Timeout: timeout})
			drops := func() int { return 0 }
			if c, ok := s.link.(*sockets).link.(*v6frame.Conn); ok {
				drops = func() int { n, _ := c.Drops(); return n }
			}
			cl := &countingLink{link: s.link}
			s.link = cl
			var exits, fulls []time.Duration
			var last timedRun
			var alloc uint64
			var mc, dc int
			for range runs {
				settle()
				var m0, m1 runtime.MemStats
				runtime.ReadMemStats(&m0)
				last = scanEvents(b, s, want)
				runtime.ReadMemStats(&m1)
				alloc = m1.TotalAlloc - m0.TotalAlloc
				mc, dc = cl.take()
				exits, fulls = append(exits, last.exit), append(fulls, last.full)
			}
			dropped := drops()
			s.Close()
			fmt.Fprintf(&tab, "%-6d %-40s %5d %18s %18s  %-44v %d multicast + %d unicast frames, %.1f MiB allocated, %d frames dropped by our socket in %d scans\n",
				n, "discover Scanner.Events (in process)", runs, spread(exits), spread(fulls), last.recall, mc, dc, float64(alloc)/(1<<20), dropped, runs)
			var p timedRun
			var pexits, pfulls []time.Duration
			var maxRSS int64
			for range runs {
				settle()
				p = v6discProcess(b, scan, want, "-timeout", timeout.String())
				pexits, pfulls = append(pexits, p.exit), append(pfulls, p.full)
				maxRSS = max(maxRSS, p.maxRSS)
			}
			fmt.Fprintf(&tab, "%-6d %-40s %5d %18s %18s  %-44v peak RSS %.1f MiB\n",
				n, "v6disc -json -stream (whole process)", runs, spread(pexits), spread(pfulls), p.recall, float64(maxRSS)/1024)
			b.ReportMetric(float64(last.recall.stable)/float64(last.recall.totalStable)*100, fmt.Sprintf("%%recall-%d", n))
			b.ReportMetric(last.full.Seconds(), fmt.Sprintf("s-to-full-recall-%d", n))
		}
	}
	fmt.Fprintf(&tab, "bridge multicast snooping: %v; load average at the end: %s", snooping, loadavg())
	// Printed, not logged: the testing package keeps only ten lines of a
	// benchmark's log.
	fmt.Print(tab.String() + "\n")
}

// knowScanner writes an `ip -batch` file that gives a host a STALE
// neighbour entry for each of the scanner's addresses, as hosts have for
// their router (on a SOHO link the scanner usually is the router).
//
// Without it every host first resolves the scanner's address and holds
// its answers meanwhile; the kernel charges held answers to its ICMPv6
// reply socket, one per CPU shared by every namespace, which takes about
// 159 of them: of a thousand emulated hosts answering at once, most drop
// theirs (Ip6OutDiscards). Real hosts each have their own.
func knowScanner(l *lab.Lab, scan *lab.Netns) (string, error) {
	ifi, err := scan.Interface("eth0")
	if err != nil {
		return "", err
	}
	var batch strings.Builder
	for _, a := range []string{"fe80::5ca", "2001:db8:1::5ca"} {
		fmt.Fprintf(&batch, "neigh replace %s lladdr %s dev eth0 nud stale\n", a, ifi.HardwareAddr)
	}
	path := filepath.Join(l.Dir, "know-scanner.batch")
	return path, os.WriteFile(path, []byte(batch.String()), 0o600)
}

// settle waits for the emulated hosts to finish what the last scan
// started: each host that answered holds a neighbour entry for the
// scanner in DELAY and probes it 5 s later (DELAY_FIRST_PROBE_TIME); a
// thousand of those probes in the middle of the next scan cost two CPUs
// tens of milliseconds that real hosts, each with its own, do not share.
// A settled link is also what a scan meets when it is run by hand.
func settle() { time.Sleep(6 * time.Second) }

// rpsMasks returns the CPU masks (RPS) for the hosts' receive processing
// and for the wire's (the switch's ports and the scanner): CPU 0 for the
// wire, the others for the hosts (all of them on one CPU).
//
// Every namespace shares the kernel's per-CPU ICMPv6 reply socket, and a
// reply stays charged to it until the switch has moved it on; the socket
// holds about 159 replies. With hosts and switch on one CPU, the switch
// forwards nothing until every host has answered a multicast probe —
// its thousand copies sit ahead of the replies in that CPU's queue — so
// most replies are dropped (Ip6OutDiscards): of 1000 hosts, the same 318
// answered every probe. Apart, the switch drains the replies while the
// hosts make them, as real hosts and a real switch work side by side.
func rpsMasks() (hosts, wire string) {
	n := min(runtime.NumCPU(), 32) // one 32-bit group of rps_cpus
	if n == 1 {
		return "1", "1"
	}
	return fmt.Sprintf("%x", (1<<n-1)&^1), "1"
}

// steer sets the RPS CPU mask of ifname's receive queue in ns.
func steer(ns *lab.Netns, ifname, mask string) error {
	_, err := ns.Output(context.Background(), "sh", "-c", "echo "+mask+" > /sys/class/net/"+ifname+"/queues/rx-0/rps_cpus")
	return err
}

// largeHost adds host i to the large lab: MAC b8:27:eb:00:HH:LL, static
// fe80::i and 2001:db8:1::i, the scanner's addresses in its neighbour
// table (the batch file known), its receive processing on the hosts'
// CPUs and its switch port's on the wire's (rpsMasks).
func largeHost(b testing.TB, l *lab.Lab, sw *lab.Netns, i int, known string) truthHost {
	h, err := l.Namespace(fmt.Sprintf("h%d", i))
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Attach(h, "eth0", sw, "br0", fmt.Sprintf("p%d", i)); err != nil {
		b.Fatal(err)
	}
	mac := net.HardwareAddr{0xb8, 0x27, 0xeb, 0, byte(i >> 8), byte(i)}
	if err := h.SetMAC("eth0", mac); err != nil {
		b.Fatal(err)
	}
	ll := netip.AddrFrom16([16]byte{0xfe, 0x80, 14: byte(i >> 8), 15: byte(i)})
	if err := h.StaticLinkLocal("eth0", ll); err != nil {
		b.Fatal(err)
	}
	gua := netip.AddrFrom16([16]byte{0x20, 0x01, 0x0d, 0xb8, 0, 1, 14: byte(i >> 8), 15: byte(i)})
	if err := h.AddAddr("eth0", netip.PrefixFrom(gua, 64)); err != nil {
		b.Fatal(err)
	}
	if err := h.IP("-batch", known); err != nil {
		b.Fatal(err)
	}
	hosts, wire := rpsMasks()
	if err := steer(h, "eth0", hosts); err != nil {
		b.Fatal(err)
	}
	if err := steer(sw, fmt.Sprintf("p%d", i), wire); err != nil {
		b.Fatal(err)
	}
	as := []string{ll.String(), gua.String()}
	return truthHost{mac.String(), as, as}
}
