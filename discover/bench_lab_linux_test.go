package discover

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// recall counts the lab's nodes and stable addresses a tool reported.
type recall struct {
	nodes, stable, totalNodes, totalStable int
}

func (r recall) String() string {
	return fmt.Sprintf("%d/%d nodes, %d/%d stable addresses", r.nodes, r.totalNodes, r.stable, r.totalStable)
}

// truth is what the lab's nodes really have, read once.
type truth []truthHost

// truthHost is one node's MAC, addresses and stable (not temporary) ones.
type truthHost struct {
	mac         string
	all, stable []string
}

func (d *discoveryLab) truth(b testing.TB) truth {
	var t truth
	for _, n := range d.nodes {
		all, err := n.ns.Addrs("eth0", "inet6")
		if err != nil {
			b.Fatal(err)
		}
		e := truthHost{mac: n.mac}
		for _, a := range all {
			e.all = append(e.all, a.Prefix.Addr().String())
			if !a.Has("temporary") {
				e.stable = append(e.stable, a.Prefix.Addr().String())
			}
		}
		t = append(t, e)
	}
	return t
}

// score matches reported addresses and MACs against the lab.
func (t truth) score(addrs, macs []string) recall {
	var r recall
	for _, n := range t {
		r.totalNodes++
		found := slices.Contains(macs, n.mac)
		for _, a := range n.all {
			if slices.Contains(addrs, a) {
				found = true
			}
		}
		if found {
			r.nodes++
		}
		for _, a := range n.stable {
			r.totalStable++
			if slices.Contains(addrs, a) {
				r.stable++
			}
		}
	}
	return r
}

// BenchmarkDiscoveryLab compares our scan with nmap's multicast target
// scripts and thc-ipv6 alive6 on the 9-node lab, in one run: when each
// tool exited, when it had reported every node, when every node and
// every stable address, and its recall. Ours runs V6KIT_BENCH_RUNS times
// (default 5) in process (Scanner.Events, default options) and as the
// v6disc program (-json -stream, a whole process started in the scanner's
// namespace); the table gives the median and the range. Run it with
// -bench DiscoveryLab -benchtime 1x as root (make bench-discover).
func BenchmarkDiscoveryLab(b *testing.B) {
	d := newDiscoveryLab(b)
	want := d.truth(b)
	runs := 5
	if v, err := strconv.Atoi(os.Getenv("V6KIT_BENCH_RUNS")); err == nil && v > 0 {
		runs = v
	}
	// Each tool runs right after the others from the same addresses: lift
	// the hosts' per-destination ICMP error rate limit (1/s, burst 6) so
	// an earlier tool's probes do not starve a later one's Parameter
	// Problem answers.
	for _, n := range d.nodes {
		if err := n.ns.Sysctl("net.ipv6.icmp.ratelimit", "0"); err != nil {
			b.Fatal(err)
		}
	}
	type row struct {
		tool              string
		exit, nodes, full []time.Duration
		recall            recall
		rss               int64
	}
	var rows []row
	add := func(tool string, r timedRun) {
		if len(rows) == 0 || rows[len(rows)-1].tool != tool {
			rows = append(rows, row{tool: tool})
		}
		w := &rows[len(rows)-1]
		w.exit, w.nodes, w.full = append(w.exit, r.exit), append(w.nodes, r.nodes), append(w.full, r.full)
		w.recall, w.rss = r.recall, max(w.rss, r.maxRSS)
	}
	for b.Loop() {
		rows = rows[:0]
		s := d.scanner(b, nil)
		for range runs {
			add("v6kit discover, Scanner.Events (in process)", scanEvents(b, s, want))
		}
		s.Close()
		for range runs {
			add("v6kit v6disc -json -stream (whole process)", v6discProcess(b, d.scan, want))
		}
		ipmac := regexp.MustCompile(`IP: (\S+)\s+MAC: (\S+)`)
		for _, tool := range []struct {
			name string
			args []string
			need string
		}{
			{"nmap targets-ipv6-multicast-echo", []string{"nmap", "-6", "-n", "-sn", "-e", "eth0", "--script", "targets-ipv6-multicast-echo"}, "nmap"},
			{"nmap targets-ipv6-multicast-invalid-dst", []string{"nmap", "-6", "-n", "-sn", "-e", "eth0", "--script", "targets-ipv6-multicast-invalid-dst"}, "nmap"},
			{"nmap targets-ipv6-multicast-mld", []string{"nmap", "-6", "-n", "-sn", "-e", "eth0", "--script", "targets-ipv6-multicast-mld"}, "nmap"},
			{"nmap targets-ipv6-multicast-{echo,invalid-dst,mld}", []string{"nmap", "-6", "-n", "-sn", "-e", "eth0", "--script",
				"targets-ipv6-multicast-echo,targets-ipv6-multicast-invalid-dst,targets-ipv6-multicast-mld"}, "nmap"},
			{"thc-ipv6 atk6-alive6 eth0", []string{"atk6-alive6", "eth0"}, "atk6-alive6"},
		} {
			if _, err := exec.LookPath(tool.need); err != nil {
				b.Logf("%s: not installed (scripts/install-peers.sh)", tool.need)
				continue
			}
			start := time.Now()
			ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
			out, err := d.scan.Output(ctx, tool.args[0], tool.args[1:]...)
			cancel()
			wall := time.Since(start)
			if err != nil {
				b.Logf("%s: %v\n%s", tool.name, err, out)
				continue
			}
			var addrs, macs []string
			for _, m := range ipmac.FindAllStringSubmatch(string(out), -1) {
				if hw, err := net.ParseMAC(m[2]); err == nil {
					macs = append(macs, hw.String())
				} else if len(m[2]) == 12 { // nmap prints b827eb000007
					if hw, err := net.ParseMAC(m[2][0:2] + ":" + m[2][2:4] + ":" + m[2][4:6] + ":" + m[2][6:8] + ":" + m[2][8:10] + ":" + m[2][10:12]); err == nil {
						macs = append(macs, hw.String())
					}
				}
			}
			for _, f := range strings.Fields(string(out)) {
				// Tools print addresses in their own spelling: canonicalise.
				if a, err := netip.ParseAddr(strings.TrimRight(f, ",;")); err == nil && a.Is6() {
					addrs = append(addrs, a.WithZone("").String())
				}
			}
			// A tool that prints at the end reports everything at exit
			// (nmap, alive6 started with `ip netns exec`, ~10 ms of it).
			r := timedRun{exit: wall, recall: want.score(addrs, macs)}
			if r.recall.nodes == r.recall.totalNodes {
				r.nodes = wall
				if r.recall.stable == r.recall.totalStable {
					r.full = wall
				}
			}
			add(tool.name, r)
		}
	}
	var tab strings.Builder
	fmt.Fprintf(&tab, "%-52s %5s %20s %20s %20s  %s\n", "tool", "runs", "exit", "all nodes at", "100% recall at", "recall (last run)")
	for _, r := range rows {
		fmt.Fprintf(&tab, "%-52s %5d %20s %20s %20s  %v\n", r.tool, len(r.exit), spread(r.exit), spread(r.nodes), spread(r.full), r.recall)
		if r.rss > 0 {
			fmt.Fprintf(&tab, "%-52s %5s peak RSS %.1f MiB\n", "", "", float64(r.rss)/1024)
		}
	}
	median := func(ds []time.Duration) time.Duration {
		s := slices.Clone(ds)
		slices.Sort(s)
		return s[len(s)/2]
	}
	var ours, nmap *row
	for i := range rows {
		switch rows[i].tool {
		case "v6kit v6disc -json -stream (whole process)":
			ours = &rows[i]
		case "nmap targets-ipv6-multicast-invalid-dst":
			nmap = &rows[i]
		}
	}
	if ours != nil && nmap != nil {
		fmt.Fprintf(&tab, "v6disc (whole process, median exit) is %.0f× faster than nmap's invalid-dst script, with %d stable addresses to its %d\n",
			float64(median(nmap.exit))/float64(median(ours.exit)), ours.recall.stable, nmap.recall.stable)
	}
	fmt.Fprintf(&tab, "load average at the end: %s", loadavg())
	// Printed, not logged: the testing package keeps only ten lines of a
	// benchmark's log.
	fmt.Print(tab.String() + "\n")
}

// loadavg is /proc/loadavg, to say how busy the machine was.
func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	return strings.TrimSpace(string(b)) + fmt.Sprintf(" on %d CPUs", runtime.NumCPU())
}
