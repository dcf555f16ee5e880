package dhcpv4opt108_test

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/mdlayher/packet"
	"github.com/v6kit/v6kit/dhcpv4opt108"
	v6onlyserver "github.com/v6kit/v6kit/internal/cmd/v6only-server"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"golang.org/x/sys/unix"
)

// The interop tier: our server against real DHCPv4 clients, real DHCPv4
// servers (configured by Render) against our probe, all in namespaces.

const sentinelType = 0x88b5 // IEEE local experimental EtherType

// dhcpLink is a lab with a server and a client namespace joined by a veth
// (labtest.Pair: both ends eth0); the server end has 192.0.2.1/24.
type dhcpLink struct {
	l        *lab.Lab
	srv, cli *lab.Netns
}

func newDHCPLink(t *testing.T) *dhcpLink {
	t.Helper()
	l := labtest.New(t)
	srv, cli := labtest.Pair(t, l, "srv", "cli") // fe80::1 and fe80::2
	if err := srv.AddAddr("eth0", netip.MustParsePrefix("192.0.2.1/24")); err != nil {
		t.Fatal(err)
	}
	return &dhcpLink{l: l, srv: srv, cli: cli}
}

// capture records every DHCPv4 message seen on an interface in one
// namespace, both directions. Frames a packet socket sends are handed to
// every other packet socket of the namespace before the send returns, so
// once a sentinel frame sent after an event is read, everything sent
// before it has been read too: "no REQUEST" is checked without sleeping.
type capture struct {
	ns   *lab.Netns
	ifi  *net.Interface
	c    *packet.Conn
	mu   sync.Mutex
	msgs []*dhcpv4.DHCPv4
	seen map[uint32]bool
	done chan struct{}
}

func startCapture(t *testing.T, ns *lab.Netns, ifname string) *capture {
	t.Helper()
	cp := &capture{ns: ns, seen: map[uint32]bool{}, done: make(chan struct{})}
	err := ns.Run(func() error {
		var err error
		if cp.ifi, err = net.InterfaceByName(ifname); err != nil {
			return err
		}
		cp.c, err = packet.Listen(cp.ifi, packet.Raw, unix.ETH_P_ALL, nil)
		return err
	})
	if err != nil {
		t.Fatalf("capture on %s in %s: %v", ifname, ns.Name, err)
	}
	go cp.loop()
	t.Cleanup(func() {
		cp.c.Close()
		<-cp.done
	})
	return cp
}

func (cp *capture) loop() {
	defer close(cp.done)
	buf := make([]byte, 65536)
	for {
		n, _, err := cp.c.ReadFrom(buf)
		if err != nil {
			return
		}
		f := buf[:n]
		if len(f) < 14 {
			continue
		}
		switch binary.BigEndian.Uint16(f[12:14]) {
		case sentinelType:
			if len(f) >= 18 {
				cp.mu.Lock()
				cp.seen[binary.BigEndian.Uint32(f[14:18])] = true
				cp.mu.Unlock()
			}
		case 0x0800:
			ip := f[14:]
			if len(ip) < 20 || ip[9] != unix.IPPROTO_UDP {
				continue
			}
			ihl := int(ip[0]&0xf) * 4
			if len(ip) < ihl+8 {
				continue
			}
			udp := ip[ihl:]
			sp, dp := binary.BigEndian.Uint16(udp[0:2]), binary.BigEndian.Uint16(udp[2:4])
			if (sp != 67 && sp != 68) || (dp != 67 && dp != 68) {
				continue
			}
			if m, err := dhcpv4.FromBytes(udp[8:]); err == nil {
				cp.mu.Lock()
				cp.msgs = append(cp.msgs, m)
				cp.mu.Unlock()
			}
		}
	}
}

// sync sends a sentinel frame from the namespace and waits until the
// capture has read it.
func (cp *capture) sync(t *testing.T) {
	t.Helper()
	id := uint32(time.Now().UnixNano())
	err := cp.ns.Run(func() error {
		c, err := packet.Listen(cp.ifi, packet.Raw, sentinelType, nil)
		if err != nil {
			return err
		}
		defer c.Close()
		f := make([]byte, 60)
		copy(f[0:6], []byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff})
		copy(f[6:12], cp.ifi.HardwareAddr)
		binary.BigEndian.PutUint16(f[12:14], sentinelType)
		binary.BigEndian.PutUint32(f[14:18], id)
		_, err = c.WriteTo(f, &packet.Addr{HardwareAddr: net.HardwareAddr{0xff, 0xff, 0xff, 0xff, 0xff, 0xff}})
		return err
	})
	if err != nil {
		t.Fatalf("sentinel: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := lab.WaitFor(ctx, 5*time.Millisecond, func() (bool, error) {
		cp.mu.Lock()
		defer cp.mu.Unlock()
		return cp.seen[id], nil
	}); err != nil {
		t.Fatalf("capture never saw its sentinel: %v", err)
	}
}

// messages returns what the capture has seen, optionally of one type.
func (cp *capture) messages(mt ...dhcpv4.MessageType) []*dhcpv4.DHCPv4 {
	cp.mu.Lock()
	defer cp.mu.Unlock()
	var out []*dhcpv4.DHCPv4
	for _, m := range cp.msgs {
		if len(mt) == 0 || m.MessageType() == mt[0] {
			out = append(out, m)
		}
	}
	return out
}

func (cp *capture) summary() string {
	var b strings.Builder
	for _, m := range cp.messages() {
		o, p := dhcpv4opt108.Lookup(m)
		fmt.Fprintf(&b, "  %v xid %v yiaddr %v prl108=%v 108=%v %v\n", m.MessageType(), m.TransactionID, m.YourIPAddr, dhcpv4opt108.Requested(m), p, o)
	}
	return b.String()
}

func waitCtx(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

func writeFile(t *testing.T, path, content string, mode os.FileMode) string {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), mode); err != nil {
		t.Fatal(err)
	}
	return path
}

func render(t *testing.T, target dhcpv4opt108.Target, wait uint32) string {
	t.Helper()
	b, err := dhcpv4opt108.Render(target, dhcpv4opt108.Option{Seconds: wait})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// startOurServer runs v6only-server's Run inside the server namespace.
func startOurServer(t *testing.T, dl *dhcpLink, o v6onlyserver.Options) *bytes.Buffer {
	t.Helper()
	o.Interface = "eth0"
	o.First, o.Last = netip.MustParseAddr("192.0.2.100"), netip.MustParseAddr("192.0.2.150")
	o.Router = netip.MustParseAddr("192.0.2.1")
	o.JSON = true
	ready := make(chan struct{})
	o.Ready = func() { close(ready) }
	out := &lockedBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() {
		errc <- dl.srv.Run(func() error { return v6onlyserver.Run(ctx, o, out) })
	}()
	t.Cleanup(func() {
		cancel()
		if err := <-errc; err != nil {
			t.Errorf("v6only-server: %v", err)
		}
		if t.Failed() {
			t.Logf("v6only-server output:\n%s", out.String())
		}
	})
	select {
	case <-ready:
	case err := <-errc:
		t.Fatalf("v6only-server did not start: %v", err)
	case <-time.After(30 * time.Second):
		t.Fatal("v6only-server did not start")
	}
	return &out.b
}

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// hookScript writes a client hook that only appends $reason to a file.
func hookScript(t *testing.T, dir, name string) (script, reasons string) {
	reasons = filepath.Join(dir, name+".reasons")
	script = writeFile(t, filepath.Join(dir, name+".sh"), "#!/bin/sh\necho \"$reason\" >> "+reasons+"\nexit 0\n", 0o755)
	return script, reasons
}

func fileContains(path, s string) func() (bool, error) {
	return func() (bool, error) {
		b, _ := os.ReadFile(path)
		return strings.Contains(string(b), s), nil
	}
}
