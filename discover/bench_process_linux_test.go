package discover

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
)

// buildV6disc builds the v6disc program once per benchmark binary, so the
// comparison times the program users run, as a whole process, built as
// `make dist` ships it: static and stripped (a dynamic build loads libc
// first, ~2 ms more at every start).
var buildV6disc = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "v6k-bench-v6disc-")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "v6disc")
	cmd := exec.Command("go", "build", "-trimpath", "-ldflags=-s -w", "-o", bin, "github.com/v6kit/v6kit/examples/v6disc")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	out, err := cmd.CombinedOutput()
	if err != nil {
		return "", &exec.ExitError{Stderr: out}
	}
	return bin, nil
})

// run is one timed run of a tool: when it exited, when every node had
// been reported, when every node and stable address had, and its recall.
type timedRun struct {
	exit, nodes, full time.Duration
	recall            recall
	maxRSS            int64 // KiB, for a process
}

// progress scores reports as they arrive, in constant time per report
// (the consumer of a scan must keep up with it), and notes when recall
// is complete.
type progress struct {
	want        truth
	start       time.Time
	run         timedRun
	byMAC       map[string]int // node index
	byAddr      map[string]int
	stable      map[string]bool
	found       map[int]bool
	seen        map[string]bool // addresses reported
	stableFound int
	totalStable int
}

func newProgress(want truth, start time.Time) *progress {
	p := &progress{want: want, start: start, byMAC: map[string]int{}, byAddr: map[string]int{}, stable: map[string]bool{},
		found: map[int]bool{}, seen: map[string]bool{}}
	for i, n := range want {
		p.byMAC[n.mac] = i
		for _, a := range n.all {
			p.byAddr[a] = i
		}
		for _, a := range n.stable {
			p.stable[a] = true
			p.totalStable++
		}
	}
	return p
}

func (p *progress) report(mac string, addrs []string, at time.Time) {
	if i, ok := p.byMAC[mac]; ok {
		p.found[i] = true
	}
	for _, a := range addrs {
		ip, err := netip.ParseAddr(a)
		if err != nil {
			continue
		}
		a = ip.WithZone("").String()
		if p.seen[a] {
			continue
		}
		p.seen[a] = true
		if i, ok := p.byAddr[a]; ok {
			p.found[i] = true
		}
		if p.stable[a] {
			p.stableFound++
		}
	}
	if p.run.nodes == 0 && len(p.found) == len(p.want) {
		p.run.nodes = at.Sub(p.start)
	}
	if p.run.full == 0 && len(p.found) == len(p.want) && p.stableFound == p.totalStable {
		p.run.full = at.Sub(p.start)
	}
	p.run.recall = recall{nodes: len(p.found), totalNodes: len(p.want), stable: p.stableFound, totalStable: p.totalStable}
}

// scanEvents times one in-process scan with Events.
func scanEvents(b testing.TB, s *Scanner, want truth) timedRun {
	p := newProgress(want, time.Now())
	for e, err := range s.Events(context.Background()) {
		if err != nil {
			b.Fatal(err)
		}
		var addrs []string
		if e.Kind == FoundAddr {
			addrs = []string{e.Addr.Addr.String()}
		}
		p.report(e.Host.MAC.String(), addrs, e.Time)
	}
	p.run.exit = time.Since(p.start)
	return p.run
}

// v6discProcess starts v6disc -json -stream in ns (forked from a thread in
// it: no `ip netns exec`, whose mounts cost ~10 ms) and times its lines
// from just before the fork.
func v6discProcess(b testing.TB, ns *lab.Netns, want truth, args ...string) timedRun {
	bin, err := buildV6disc()
	if err != nil {
		b.Fatalf("build v6disc: %v", err)
	}
	cmd := exec.Command(bin, append([]string{"-i", "eth0", "-json", "-stream"}, args...)...)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		b.Fatal(err)
	}
	var stderr strings.Builder
	cmd.Stderr = &stderr
	p := newProgress(want, time.Time{})
	if err := ns.Run(func() error { p.start = time.Now(); return cmd.Start() }); err != nil {
		b.Fatal(err)
	}
	sc := bufio.NewScanner(stdout)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		at := time.Now()
		var o struct {
			MAC   string   `json:"mac"`
			Addrs []string `json:"addrs"`
		}
		if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
			b.Fatalf("v6disc printed %q: %v", sc.Text(), err)
		}
		for i, a := range o.Addrs {
			o.Addrs[i], _, _ = strings.Cut(a, "%")
		}
		p.report(o.MAC, o.Addrs, at)
	}
	if err := cmd.Wait(); err != nil {
		b.Fatalf("v6disc: %v: %s", err, stderr.String())
	}
	p.run.exit = time.Since(p.start)
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		p.run.maxRSS = int64(ru.Maxrss) // int32 on 32-bit Linux
	}
	return p.run
}

// spread is "median (min–max)" of some durations. A zero duration is a run that never got there: the spread is of the
// others, with how many of all got there ("2/3: …"), or "-" when none did.
func spread(ds []time.Duration) string {
	got := slices.DeleteFunc(slices.Clone(ds), func(d time.Duration) bool { return d == 0 })
	if len(got) == 0 {
		return "-"
	}
	if len(got) < len(ds) {
		return fmt.Sprintf("%d/%d: %s", len(got), len(ds), spread(got))
	}
	s := slices.Clone(ds)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	r := func(d time.Duration) string {
		if d < 10*time.Millisecond {
			return d.Round(100 * time.Microsecond).String()
		}
		return d.Round(time.Millisecond).String()
	}
	if len(s) == 1 {
		return r(s[0])
	}
	return r(s[len(s)/2]) + " (" + r(s[0]) + "–" + r(s[len(s)-1]) + ")"
}

// countingLink counts the frames a scan sends, by kind.
type countingLink struct {
	link
	mu                sync.Mutex
	multicast, direct int
}

func (c *countingLink) WriteFrame(b []byte) error {
	c.mu.Lock()
	if len(b) > 0 && b[0]&1 != 0 {
		c.multicast++
	} else {
		c.direct++
	}
	c.mu.Unlock()
	return c.link.WriteFrame(b)
}

func (c *countingLink) take() (multicast, direct int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m, d := c.multicast, c.direct
	c.multicast, c.direct = 0, 0
	return m, d
}
