//go:build linux

package lab_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
)

// listen opens a UDP socket on [ll%ifname]:port inside ns.
func listen(t *testing.T, ns *lab.Netns, ifname string, ll netip.Addr, port int) *net.UDPConn {
	t.Helper()
	var c *net.UDPConn
	err := ns.Run(func() error {
		var err error
		c, err = net.ListenUDP("udp6", &net.UDPAddr{IP: ll.AsSlice(), Port: port, Zone: ifname})
		return err
	})
	if err != nil {
		t.Fatalf("listen in %s: %v", ns.Name, err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func TestVethLinkLocalUDP(t *testing.T) {
	l := labtest.New(t)
	a, err := l.Namespace("a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Namespace("b")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(a, "eth0", b, "eth0"); err != nil {
		t.Fatal(err)
	}
	llA, llB := netip.MustParseAddr("fe80::a"), netip.MustParseAddr("fe80::b")
	if err := a.StaticLinkLocal("eth0", llA); err != nil {
		t.Fatal(err)
	}
	if err := b.StaticLinkLocal("eth0", llB); err != nil {
		t.Fatal(err)
	}

	ca := listen(t, a, "eth0", llA, 5000)
	cb := listen(t, b, "eth0", llB, 5001)
	payload := []byte("hello over a lab veth")
	if _, err := ca.WriteToUDPAddrPort(payload, netip.AddrPortFrom(llB.WithZone("eth0"), 5001)); err != nil {
		t.Fatalf("send a→b: %v", err)
	}
	buf := make([]byte, 1500)
	cb.SetReadDeadline(time.Now().Add(10 * time.Second))
	n, from, err := cb.ReadFromUDPAddrPort(buf)
	if err != nil {
		t.Fatalf("receive on b: %v", err)
	}
	if string(buf[:n]) != string(payload) {
		t.Errorf("b received %q, want %q", buf[:n], payload)
	}
	if got := from.Addr().WithZone(""); got != llA || from.Port() != 5000 {
		t.Errorf("b received from %v, want [%v]:5000", from, llA)
	}

	// The addresses are where the lab put them, and nowhere else.
	addrs, err := b.Addrs("eth0", "inet6")
	if err != nil {
		t.Fatal(err)
	}
	if len(addrs) != 1 || addrs[0].Prefix != netip.MustParsePrefix("fe80::b/64") || addrs[0].Scope != "link" {
		t.Errorf("b's eth0 addresses = %+v, want only fe80::b/64 scope link", addrs)
	}
}

func TestBridgeThreeHosts(t *testing.T) {
	l := labtest.New(t)
	sw, err := l.Namespace("sw")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Bridge("br0", true); err != nil {
		t.Fatal(err)
	}
	var hosts []*lab.Netns
	var conns []*net.UDPConn
	for i := range 3 {
		h, err := l.Namespace(fmt.Sprintf("h%d", i))
		if err != nil {
			t.Fatal(err)
		}
		if err := l.Attach(h, "eth0", sw, "br0", fmt.Sprintf("p%d", i)); err != nil {
			t.Fatal(err)
		}
		ll := netip.MustParseAddr(fmt.Sprintf("fe80::%d", i+1))
		if err := h.StaticLinkLocal("eth0", ll); err != nil {
			t.Fatal(err)
		}
		hosts = append(hosts, h)
		conns = append(conns, listen(t, h, "eth0", ll, 6000))
	}
	// Every host reaches every other through the bridge.
	buf := make([]byte, 64)
	for i := range hosts {
		for j := range hosts {
			if i == j {
				continue
			}
			msg := fmt.Sprintf("%d→%d", i, j)
			to := netip.AddrPortFrom(netip.MustParseAddr(fmt.Sprintf("fe80::%d", j+1)).WithZone("eth0"), 6000)
			if _, err := conns[i].WriteToUDPAddrPort([]byte(msg), to); err != nil {
				t.Fatalf("send %s: %v", msg, err)
			}
			conns[j].SetReadDeadline(time.Now().Add(10 * time.Second))
			n, _, err := conns[j].ReadFromUDPAddrPort(buf)
			if err != nil {
				t.Fatalf("receive %s: %v", msg, err)
			}
			if string(buf[:n]) != msg {
				t.Fatalf("host %d received %q, want %q", j, buf[:n], msg)
			}
		}
	}
	// The bridge namespace takes no part in IPv6: no address on any port.
	for _, ifname := range []string{"br0", "p0"} {
		addrs, err := sw.Addrs(ifname, "inet6")
		if err != nil {
			t.Fatal(err)
		}
		if len(addrs) != 0 {
			t.Errorf("switch %s has IPv6 addresses %+v, want none", ifname, addrs)
		}
	}
}

func TestDaemonStartStopByPID(t *testing.T) {
	l := labtest.New(t)
	ns, err := l.Namespace("d")
	if err != nil {
		t.Fatal(err)
	}
	d, err := ns.Start(lab.DaemonSpec{
		Name: "sleeper",
		Args: []string{"sh", "-c", "echo ready; exec sleep 600"},
		Ready: func(d *lab.Daemon) (bool, error) {
			return strings.Contains(d.Log(), "ready"), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	pid := d.PID()
	if !slices.Contains(lab.PIDs(ns), pid) {
		t.Fatalf("daemon pid %d not inside %s (pids %v)", pid, ns.Name, lab.PIDs(ns))
	}
	if err := d.Stop(); err != nil {
		t.Fatal(err)
	}
	if lab.Alive(pid) {
		t.Fatalf("pid %d still alive after Stop", pid)
	}

	// A forking daemon is stopped by the PID in its PID file.
	pidFile := filepath.Join(l.Dir, "forker.pid")
	f, err := ns.Start(lab.DaemonSpec{
		Name:    "forker",
		Args:    []string{"sh", "-c", "sleep 600 >/dev/null 2>&1 & echo $! > " + pidFile},
		PIDFile: pidFile,
		Ready: func(d *lab.Daemon) (bool, error) {
			_, err := os.Stat(pidFile)
			return err == nil && d.Exited(), nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	child := f.PID()
	if child == f.Cmd.Process.Pid || !lab.Alive(child) {
		t.Fatalf("forked child pid %d not running (parent %d)", child, f.Cmd.Process.Pid)
	}
	if err := f.Stop(); err != nil {
		t.Fatal(err)
	}
	if lab.Alive(child) {
		t.Fatalf("forked pid %d still alive after Stop", child)
	}
}

func TestDaemonThatNeverGetsReadyFailsWithItsLog(t *testing.T) {
	l := labtest.New(t)
	ns, err := l.Namespace("n")
	if err != nil {
		t.Fatal(err)
	}
	_, err = ns.Start(lab.DaemonSpec{
		Name:         "broken",
		Args:         []string{"sh", "-c", "echo config error on line 3; exit 1"},
		Ready:        func(*lab.Daemon) (bool, error) { return false, nil },
		StartTimeout: 10 * time.Second,
	})
	if err == nil || !strings.Contains(err.Error(), "config error on line 3") {
		t.Fatalf("Start of a failing daemon: err = %v, want one quoting its log", err)
	}
}

func TestRunReportsFatalInsideNamespace(t *testing.T) {
	l := labtest.New(t)
	ns, err := l.Namespace("r")
	if err != nil {
		t.Fatal(err)
	}
	err = ns.Run(func() error { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "boom") {
		t.Fatalf("Run(panic) = %v, want an error naming the panic", err)
	}
	// The namespace really is separate: only lo exists in it.
	var names []string
	if err := ns.Run(func() error {
		ifs, err := net.Interfaces()
		for _, ifi := range ifs {
			names = append(names, ifi.Name)
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(names, []string{"lo"}) {
		t.Errorf("interfaces in a new namespace = %v, want [lo]", names)
	}
}

// TestCleanupAfterFailure runs a test that builds a lab, starts a daemon
// and then fails, in a child process, and checks that nothing of that lab is
// left: no namespace, no process.
func TestCleanupAfterFailure(t *testing.T) {
	if os.Getenv("V6KIT_LAB_CHILD") == "1" {
		t.Skip("child process")
	}
	labtest.New(t) // skips unless root
	cmd := exec.Command(os.Args[0], "-test.run=^TestChildFails$", "-test.v")
	cmd.Env = append(os.Environ(), "V6KIT_LAB_CHILD=1")
	out, err := cmd.CombinedOutput()
	if err == nil {
		t.Fatalf("the child test passed; it must fail:\n%s", out)
	}
	m := regexp.MustCompile(`lab-id=(\w+) sleeper-pid=(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("child did not report its lab:\n%s", out)
	}
	if !strings.Contains(string(out), "deliberate failure") {
		t.Fatalf("child failed for the wrong reason:\n%s", out)
	}
	list, err := exec.Command("ip", "netns", "list").CombinedOutput()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(list), string(m[1])) {
		t.Errorf("ip netns list still shows the failed test's lab %s:\n%s", m[1], list)
	}
	var pid int
	fmt.Sscan(string(m[2]), &pid)
	if lab.Alive(pid) {
		t.Errorf("the failed test's daemon (pid %d) is still running", pid)
	}
}

// TestChildFails is run only as TestCleanupAfterFailure's child.
func TestChildFails(t *testing.T) {
	if os.Getenv("V6KIT_LAB_CHILD") != "1" {
		t.Skip("run only by TestCleanupAfterFailure")
	}
	l := labtest.New(t)
	sw, err := l.Namespace("sw")
	if err != nil {
		t.Fatal(err)
	}
	if err := sw.Bridge("br0", false); err != nil {
		t.Fatal(err)
	}
	h, err := l.Namespace("h")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Attach(h, "eth0", sw, "br0", "p0"); err != nil {
		t.Fatal(err)
	}
	d, err := h.Start(lab.DaemonSpec{Name: "sleeper", Args: []string{"sleep", "600"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("lab-id=%s sleeper-pid=%d", l.ID, d.PID())
	t.Fatal("deliberate failure")
}

func TestLeftoversNamesOnlyLabNamespaces(t *testing.T) {
	l := labtest.New(t)
	ns, err := l.Namespace("x")
	if err != nil {
		t.Fatal(err)
	}
	names, err := lab.Leftovers()
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Contains(names, ns.Name) {
		t.Errorf("lab.Leftovers() = %v, want it to include %s", names, ns.Name)
	}
	for _, n := range names {
		if !strings.HasPrefix(n, lab.Prefix) {
			t.Errorf("lab.Leftovers() names %q, which is not a lab namespace", n)
		}
	}
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	names, _ = lab.Leftovers()
	if slices.Contains(names, ns.Name) {
		t.Errorf("after Close, lab.Leftovers() still has %s", ns.Name)
	}
	if _, err := os.Stat(l.Dir); !os.IsNotExist(err) {
		t.Errorf("after Close, lab dir %s still exists (err %v)", l.Dir, err)
	}
}

func TestPing(t *testing.T) {
	l := labtest.New(t)
	a, err := l.Namespace("a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := l.Namespace("b")
	if err != nil {
		t.Fatal(err)
	}
	if err := l.Veth(a, "eth0", b, "eth0"); err != nil {
		t.Fatal(err)
	}
	if err := a.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::a")); err != nil {
		t.Fatal(err)
	}
	if err := b.StaticLinkLocal("eth0", netip.MustParseAddr("fe80::b")); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	rtt, err := b.Ping(ctx, netip.MustParseAddr("fe80::a"), "eth0")
	if err != nil || rtt <= 0 {
		t.Fatalf("Ping fe80::a from b: rtt %v, err %v", rtt, err)
	}
	short, cancel2 := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel2()
	if _, err := b.Ping(short, netip.MustParseAddr("fe80::dead"), "eth0"); !errors.Is(err, lab.ErrNoReply) {
		t.Fatalf("Ping of an absent address: err %v, want lab.ErrNoReply", err)
	}
}

// TestCloseWhileMaking closes a lab while another goroutine is making a
// namespace in it, as the lab program does when SIGINT ends it mid-act:
// the namespace must go with the lab, not be left behind.
func TestCloseWhileMaking(t *testing.T) {
	l := labtest.New(t)
	begun := make(chan struct{})
	lab.SetMakingHook(t, func() { close(begun) })
	made := make(chan error, 1)
	go func() {
		_, err := l.Namespace("late")
		made <- err
	}()
	<-begun
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	if err := <-made; err != nil {
		t.Fatalf("Namespace begun before Close: %v", err)
	}
	names, err := lab.Leftovers()
	if err != nil {
		t.Fatal(err)
	}
	if slices.Contains(names, l.Name("late")) {
		t.Errorf("namespace %s, begun before Close, was left behind", l.Name("late"))
	}
	if _, err := l.Namespace("after"); err == nil || !strings.Contains(err.Error(), "lab is closed") {
		t.Errorf("Namespace after Close: %v, want \"lab is closed\"", err)
	}
}
