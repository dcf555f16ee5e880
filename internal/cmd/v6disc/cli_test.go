package v6disc

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/v6kit/v6kit/discover"
	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/internal/clitest"
)

// tableIfaces has one interface of each kind v6disc meets.
func tableIfaces() ([]net.Interface, error) {
	return []net.Interface{
		{Index: 1, Name: "lo", Flags: net.FlagUp | net.FlagRunning | net.FlagLoopback},
		{Index: 2, Name: "eth0", Flags: net.FlagUp | net.FlagRunning, HardwareAddr: net.HardwareAddr{2, 0, 0, 0, 0, 1}},
		{Index: 3, Name: "eth1", Flags: net.FlagUp, HardwareAddr: net.HardwareAddr{2, 0, 0, 0, 0, 2}}, // no carrier
		{Index: 4, Name: "eth2", HardwareAddr: net.HardwareAddr{2, 0, 0, 0, 0, 3}},                    // down
		{Index: 5, Name: "wg0", Flags: net.FlagUp | net.FlagRunning | net.FlagPointToPoint},           // no MAC
	}, nil
}

// epipe is a stdout whose reader has gone after the first write.
type epipe struct{ n int }

func (w *epipe) Write(b []byte) (int, error) {
	if w.n++; w.n > 1 {
		return 0, &os.PathError{Op: "write", Path: "/dev/stdout", Err: syscall.EPIPE}
	}
	return len(b), nil
}

// TestMainTable runs the program as a user does, with bad inputs of every
// class, and checks the exit status and the one line on stderr.
func TestMainTable(t *testing.T) {
	denied := func(*net.Interface, *discover.Options) (scanner, error) {
		return nil, fmt.Errorf("discover: scan: packet socket on interface %q: listen packet: socket: %w", "eth0", syscall.EPERM)
	}
	noIfaces := func() ([]net.Interface, error) { return nil, nil }
	// check runs one case with tableIfaces and a scanner that records
	// whether it was opened; change, when not nil, alters the fakes.
	check := func(t *testing.T, in clitest.BadInput, change func(*deps)) {
		d := fakeDeps(&fakeScanner{snaps: snaps})
		d.ifaces = tableIfaces
		opened := false
		open := d.open
		d.open = func(ifi *net.Interface, o *discover.Options) (scanner, error) { opened = true; return open(ifi, o) }
		if change != nil {
			change(&d)
		}
		in.Check(t, command(d))
		if in.Status == cli.ExitUsage && opened {
			t.Error("a socket was opened before the usage error")
		}
	}
	for _, in := range []clitest.BadInput{
		// Usage: exit 2, before anything opens.
		{Name: "unknown flag", Args: []string{"-x"}, Status: cli.ExitUsage, Line: "v6disc: -x: no such flag; see -h for the flags"},
		{Name: "stray argument", Args: []string{"eth0"}, Status: cli.ExitUsage, Line: `v6disc: unexpected argument "eth0"; every option is a flag (see v6disc -h)`},
		{Name: "bad duration", Args: []string{"-timeout", "fast"}, Status: cli.ExitUsage, Line: `v6disc: -timeout "fast": not a duration; give one such as 30s, 5m or 1h`},
		{Name: "timeout zero", Args: []string{"-timeout", "0"}, Status: cli.ExitUsage, Line: "v6disc: -timeout 0s is out of range; give a duration from 1ms to 1h, such as 2s"},
		{Name: "timeout negative", Args: []string{"-timeout", "-1s"}, Status: cli.ExitUsage, Line: "v6disc: -timeout -1s is out of range; give a duration from 1ms to 1h, such as 2s"},
		{Name: "timeout too long", Args: []string{"-timeout", "2h"}, Status: cli.ExitUsage, Line: "v6disc: -timeout 2h0m0s is out of range; give a duration from 1ms to 1h, such as 2s"},
		{Name: "interval zero", Args: []string{"-watch", "-interval", "0"}, Status: cli.ExitUsage, Line: "v6disc: -interval 0s is out of range; give a duration from 1ms to 1h, such as 30s"},
		{Name: "interval negative", Args: []string{"-watch", "-interval", "-5s"}, Status: cli.ExitUsage, Line: "v6disc: -interval -5s is out of range; give a duration from 1ms to 1h, such as 30s"},
		{Name: "interval without watch", Args: []string{"-interval", "5s"}, Status: cli.ExitUsage, Line: "v6disc: -interval works with -watch; add -watch or drop -interval"},
		{Name: "names with watch", Args: []string{"-names", "-watch"}, Status: cli.ExitUsage, Line: "v6disc: -names works with a scan, not with -watch; drop one of them"},
		{Name: "quiet floor zero", Args: []string{"-quiet", "0"}, Status: cli.ExitUsage, Line: "v6disc: -quiet 0s is out of range; give a duration from 1ms to 1h, such as 400ms"},
		{Name: "quiet floor too long", Args: []string{"-quiet", "2h"}, Status: cli.ExitUsage, Line: "v6disc: -quiet 2h0m0s is out of range; give a duration from 1ms to 1h, such as 400ms"},
		{Name: "stream without json", Args: []string{"-stream"}, Status: cli.ExitUsage, Line: "v6disc: -stream works with -json (the text output always streams); add -json or drop -stream"},
		{Name: "stream with watch", Args: []string{"-json", "-stream", "-watch"}, Status: cli.ExitUsage, Line: "v6disc: -stream works with a scan without -names (-watch streams already); drop one of them"},
		{Name: "stream with names", Args: []string{"-json", "-stream", "-names"}, Status: cli.ExitUsage, Line: "v6disc: -stream works with a scan without -names (-watch streams already); drop one of them"},
		{Name: "quiet and json", Args: []string{"-q", "-json"}, Status: cli.ExitUsage, Line: "v6disc: -q and -json exclude each other; pick one"},
		{Name: "empty interface", Args: []string{"-i", ""}, Status: cli.ExitUsage, Line: "v6disc: -i: interface name is empty; give a name such as eth0"},
		{Name: "long interface", Args: []string{"-i", "averyveryverylongname"}, Status: cli.ExitUsage, Line: `v6disc: -i: interface name "averyveryverylongname" is 21 bytes; Linux takes at most 15`},
		{Name: "space in interface", Args: []string{"-i", "eth 0"}, Status: cli.ExitUsage, Line: `v6disc: -i: interface name "eth 0" has '/', ':' or white space; Linux refuses those`},
		{Name: "slash in interface", Args: []string{"-i", "a/b"}, Status: cli.ExitUsage, Line: `v6disc: -i: interface name "a/b" has '/', ':' or white space; Linux refuses those`},
		{Name: "no such interface", Args: []string{"-i", "nosuch"}, Status: cli.ExitUsage, Line: `v6disc: -i: interface "nosuch" not found; list them with 'ip link'`},
		{Name: "loopback", Args: []string{"-i", "lo"}, Status: cli.ExitUsage, Line: `v6disc: -i: interface "lo" is not an Ethernet interface; v6disc scans Ethernet links (list them with 'ip link')`},
		{Name: "no MAC", Args: []string{"-i", "wg0"}, Status: cli.ExitUsage, Line: `v6disc: -i: interface "wg0" is not an Ethernet interface; v6disc scans Ethernet links (list them with 'ip link')`},
		// Runtime: exit 1, one line naming the object.
		{Name: "no carrier", Args: []string{"-i", "eth1"}, Status: cli.ExitFailure, Line: `v6disc: interface "eth1" has no carrier (cable unplugged or peer down); connect it, or pick another with -i`},
		{Name: "down", Args: []string{"-i", "eth2"}, Status: cli.ExitFailure, Line: `v6disc: interface "eth2" is down; bring it up with 'ip link set eth2 up'`},
	} {
		t.Run(in.Name, func(t *testing.T) { check(t, in, nil) })
	}
	for _, tt := range []struct {
		in     clitest.BadInput
		change func(*deps)
	}{
		// Runtime: exit 1, one line naming the object.
		{clitest.BadInput{Name: "nothing to scan", Status: cli.ExitFailure, Line: "v6disc: no up, non-loopback Ethernet interface with carrier; list them with 'ip link', bring one up or name one with -i"}, func(d *deps) { d.ifaces = noIfaces }},
		{clitest.BadInput{Name: "no privilege", Args: []string{"-i", "eth0"}, Status: cli.ExitFailure, Line: `v6disc: interface "eth0": packet socket: operation not permitted; needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep`}, func(d *deps) { d.open = denied }},
		{clitest.BadInput{Name: "no privilege, every interface", Status: cli.ExitFailure, Line: `v6disc: interface "eth0": packet socket: operation not permitted; needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep`}, func(d *deps) { d.open = denied }},
		{clitest.BadInput{Name: "socket error", Status: cli.ExitFailure, Line: `v6disc: interface "eth0": scan: no buffer space`}, func(d *deps) {
			d.open = func(*net.Interface, *discover.Options) (scanner, error) {
				return nil, errors.New("discover: scan: no buffer space")
			}
		}},
		// Not failures: no host, in text and JSON.
		{clitest.BadInput{Name: "no host", Status: cli.ExitOK}, func(d *deps) { d.open = openFake(&fakeScanner{}) }},
		{clitest.BadInput{Name: "no host json", Args: []string{"-json"}, Status: cli.ExitOK}, func(d *deps) { d.open = openFake(&fakeScanner{}) }},
	} {
		t.Run(tt.in.Name, func(t *testing.T) { check(t, tt.in, tt.change) })
	}
}

func openFake(f scanner) func(*net.Interface, *discover.Options) (scanner, error) {
	return func(*net.Interface, *discover.Options) (scanner, error) { return f, nil }
}

// TestClosedStdoutIsQuiet: `v6disc | head -1` ends with status 0 and
// nothing on stderr, in every output mode.
func TestClosedStdoutIsQuiet(t *testing.T) {
	for _, args := range [][]string{nil, {"-q"}, {"-json"}, {"-json", "-stream"}, {"-names"}, {"-watch", "-json"}, {"-watch"}} {
		f := &fakeScanner{snaps: snaps, changes: []discover.Change{
			{Kind: discover.Joined, Host: snaps[1], Addrs: snaps[1].Addrs},
			{Kind: discover.Joined, Host: snaps[2], Addrs: snaps[2].Addrs},
		}}
		d := fakeDeps(f)
		d.ifaces = tableIfaces
		var errb bytes.Buffer
		if got := cli.Main(context.Background(), command(d), args, &epipe{}, &errb); got != cli.ExitOK || errb.Len() > 0 {
			t.Errorf("v6disc %v | head -1: status %d, stderr %q; want 0 and nothing", args, got, errb.String())
		}
	}
}

// TestJSONGolden pins the -json keys of a scan, a scan with -names and a
// watch. Refresh with: go test ./internal/cmd/v6disc -run Golden -update
func TestJSONGolden(t *testing.T) {
	var all bytes.Buffer
	for _, args := range [][]string{{"-json"}, {"-json", "-names"}, {"-json", "-stream"}, {"-json", "-watch"}} {
		f := &fakeScanner{snaps: snaps, changes: []discover.Change{
			{Kind: discover.Joined, Host: snaps[0], Addrs: snaps[0].Addrs},
			{Kind: discover.Added, Host: snaps[1], Addrs: snaps[1].Addrs[1:]},
			{Kind: discover.Removed, Host: snaps[1], Addrs: snaps[1].Addrs[1:]},
			{Kind: discover.Left, Host: snaps[1], Addrs: snaps[1].Addrs[:1]},
		}}
		d := fakeDeps(f)
		d.ifaces = tableIfaces
		r := clitest.Run(t, command(d), args...)
		if r.Status != cli.ExitOK {
			t.Fatalf("v6disc %v: status %d: %s", args, r.Status, r.Stderr)
		}
		fmt.Fprintf(&all, "# v6disc %s\n%s", strings.Join(args, " "), r.Stdout)
	}
	clitest.Golden(t, filepath.Join("testdata", "json.golden"), all.Bytes())
	// Every key the output uses is documented in the help.
	printed := clitest.Help(t, command(fakeDeps(&fakeScanner{})))
	for _, k := range []string{"event", "mac", "vendor", "addrs", "methods", "router", "name"} {
		if !strings.Contains(all.String(), `"`+k+`":`) {
			t.Errorf("key %q is not in the output", k)
		}
		clitest.Documented(t, printed, k)
	}
}
