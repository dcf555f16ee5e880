package v6disc

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/v6kit/v6kit/discover"
	"github.com/v6kit/v6kit/internal/cli"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

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
	tests := []struct {
		name   string
		args   []string
		d      func(*deps)
		status int
		line   string // stderr's first line
	}{
		// Usage: exit 2, before anything opens.
		{"unknown flag", []string{"-x"}, nil, cli.ExitUsage, "v6disc: -x: no such flag; see -h for the flags"},
		{"stray argument", []string{"eth0"}, nil, cli.ExitUsage, `v6disc: unexpected argument "eth0"; every option is a flag (see v6disc -h)`},
		{"bad duration", []string{"-timeout", "fast"}, nil, cli.ExitUsage, `v6disc: -timeout "fast": not a duration; give one such as 30s, 5m or 1h`},
		{"timeout zero", []string{"-timeout", "0"}, nil, cli.ExitUsage, "v6disc: -timeout 0s is out of range; give a duration from 1ms to 1h, such as 2s"},
		{"timeout negative", []string{"-timeout", "-1s"}, nil, cli.ExitUsage, "v6disc: -timeout -1s is out of range; give a duration from 1ms to 1h, such as 2s"},
		{"timeout too long", []string{"-timeout", "2h"}, nil, cli.ExitUsage, "v6disc: -timeout 2h0m0s is out of range; give a duration from 1ms to 1h, such as 2s"},
		{"interval zero", []string{"-watch", "-interval", "0"}, nil, cli.ExitUsage, "v6disc: -interval 0s is out of range; give a duration from 1ms to 1h, such as 30s"},
		{"interval negative", []string{"-watch", "-interval", "-5s"}, nil, cli.ExitUsage, "v6disc: -interval -5s is out of range; give a duration from 1ms to 1h, such as 30s"},
		{"interval without watch", []string{"-interval", "5s"}, nil, cli.ExitUsage, "v6disc: -interval works with -watch; add -watch or drop -interval"},
		{"names with watch", []string{"-names", "-watch"}, nil, cli.ExitUsage, "v6disc: -names works with a scan, not with -watch; drop one of them"},
		{"quiet and json", []string{"-q", "-json"}, nil, cli.ExitUsage, "v6disc: -q and -json exclude each other; pick one"},
		{"empty interface", []string{"-i", ""}, nil, cli.ExitUsage, "v6disc: -i: interface name is empty; give a name such as eth0"},
		{"long interface", []string{"-i", "averyveryverylongname"}, nil, cli.ExitUsage, `v6disc: -i: interface name "averyveryverylongname" is 21 bytes; Linux takes at most 15`},
		{"space in interface", []string{"-i", "eth 0"}, nil, cli.ExitUsage, `v6disc: -i: interface name "eth 0" has '/', ':' or white space; Linux refuses those`},
		{"slash in interface", []string{"-i", "a/b"}, nil, cli.ExitUsage, `v6disc: -i: interface name "a/b" has '/', ':' or white space; Linux refuses those`},
		{"no such interface", []string{"-i", "nosuch"}, nil, cli.ExitUsage, `v6disc: -i: interface "nosuch" not found; list them with 'ip link'`},
		{"loopback", []string{"-i", "lo"}, nil, cli.ExitUsage, `v6disc: -i: interface "lo" is not an Ethernet interface; v6disc scans Ethernet links (list them with 'ip link')`},
		{"no MAC", []string{"-i", "wg0"}, nil, cli.ExitUsage, `v6disc: -i: interface "wg0" is not an Ethernet interface; v6disc scans Ethernet links (list them with 'ip link')`},
		// Runtime: exit 1, one line naming the object.
		{"no carrier", []string{"-i", "eth1"}, nil, cli.ExitFailure, `v6disc: interface "eth1" has no carrier (cable unplugged or peer down); connect it, or pick another with -i`},
		{"down", []string{"-i", "eth2"}, nil, cli.ExitFailure, `v6disc: interface "eth2" is down; bring it up with 'ip link set eth2 up'`},
		{"nothing to scan", nil, func(d *deps) { d.ifaces = noIfaces }, cli.ExitFailure, "v6disc: no up, non-loopback Ethernet interface with carrier; list them with 'ip link', bring one up or name one with -i"},
		{"no privilege", []string{"-i", "eth0"}, func(d *deps) { d.open = denied }, cli.ExitFailure, `v6disc: interface "eth0": packet socket: operation not permitted; needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep`},
		{"no privilege, every interface", nil, func(d *deps) { d.open = denied }, cli.ExitFailure, `v6disc: interface "eth0": packet socket: operation not permitted; needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep`},
		{"socket error", nil, func(d *deps) {
			d.open = func(*net.Interface, *discover.Options) (scanner, error) {
				return nil, errors.New("discover: scan: no buffer space")
			}
		}, cli.ExitFailure, `v6disc: interface "eth0": discover: scan: no buffer space`},
		// Not failures: no host, in text and JSON.
		{"no host", nil, func(d *deps) { d.open = openFake(&fakeScanner{}) }, cli.ExitOK, ""},
		{"no host json", []string{"-json"}, func(d *deps) { d.open = openFake(&fakeScanner{}) }, cli.ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := fakeDeps(&fakeScanner{snaps: snaps})
			d.ifaces = tableIfaces
			opened := false
			open := d.open
			d.open = func(ifi *net.Interface, o *discover.Options) (scanner, error) { opened = true; return open(ifi, o) }
			if tt.d != nil {
				tt.d(&d)
			}
			var out, errb bytes.Buffer
			got := cli.Main(context.Background(), command(d), tt.args, &out, &errb)
			line, _, _ := strings.Cut(errb.String(), "\n")
			if got != tt.status || line != tt.line {
				t.Errorf("status %d, stderr %q\nwant   %d, %q", got, line, tt.status, tt.line)
			}
			if tt.status == cli.ExitUsage && opened {
				t.Error("a socket was opened before the usage error")
			}
			if tt.status != cli.ExitOK && out.Len() > 0 {
				t.Errorf("stdout %q after an error", out.String())
			}
		})
	}
}

func openFake(f scanner) func(*net.Interface, *discover.Options) (scanner, error) {
	return func(*net.Interface, *discover.Options) (scanner, error) { return f, nil }
}

// TestClosedStdoutIsQuiet: `v6disc | head -1` ends with status 0 and
// nothing on stderr, in every output mode.
func TestClosedStdoutIsQuiet(t *testing.T) {
	for _, args := range [][]string{nil, {"-q"}, {"-json"}, {"-names"}, {"-watch", "-json"}, {"-watch"}} {
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
	for _, args := range [][]string{{"-json"}, {"-json", "-names"}, {"-json", "-watch"}} {
		f := &fakeScanner{snaps: snaps, changes: []discover.Change{
			{Kind: discover.Joined, Host: snaps[0], Addrs: snaps[0].Addrs},
			{Kind: discover.Added, Host: snaps[1], Addrs: snaps[1].Addrs[1:]},
			{Kind: discover.Removed, Host: snaps[1], Addrs: snaps[1].Addrs[1:]},
			{Kind: discover.Left, Host: snaps[1], Addrs: snaps[1].Addrs[:1]},
		}}
		d := fakeDeps(f)
		d.ifaces = tableIfaces
		var out, errb bytes.Buffer
		if got := cli.Main(context.Background(), command(d), args, &out, &errb); got != cli.ExitOK {
			t.Fatalf("v6disc %v: status %d: %s", args, got, errb.String())
		}
		fmt.Fprintf(&all, "# v6disc %s\n%s", strings.Join(args, " "), out.String())
	}
	path := filepath.Join("testdata", "json.golden")
	if *update {
		if err := os.WriteFile(path, all.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(string(want), all.String()); diff != "" {
		t.Errorf("-json output (-golden +got):\n%s", diff)
	}
	// Every key the output uses is documented in the help.
	for _, k := range []string{"event", "mac", "vendor", "addrs", "methods", "router", "name"} {
		if !strings.Contains(all.String(), `"`+k+`":`) || !strings.Contains(help, "\n  "+k+" ") {
			t.Errorf("key %q not both in the output and documented in -h", k)
		}
	}
}
