package nat64

import (
	"context"
	"encoding/binary"
	"errors"
	"net"
	"net/netip"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// fakeDNS64 answers A and AAAA queries on loopback, UDP and TCP, from a
// table of A records, synthesising AAAA under prefix (none if invalid), as
// a DNS64 does. truncate makes every UDP answer TC.
type fakeDNS64 struct {
	a        map[string][]netip.Addr
	prefix   netip.Prefix
	truncate bool
	udp      net.PacketConn
	tcp      net.Listener
	wg       sync.WaitGroup
	mu       sync.Mutex
	queries  []string
}

func startFake(t testing.TB, prefix netip.Prefix, a map[string][]netip.Addr, truncate ...bool) *fakeDNS64 {
	t.Helper()
	f := &fakeDNS64{a: a, prefix: prefix, truncate: len(truncate) > 0 && truncate[0]}
	var err error
	if f.udp, err = net.ListenPacket("udp", "127.0.0.1:0"); err != nil {
		t.Skip("no loopback UDP:", err)
	}
	port := f.udp.LocalAddr().(*net.UDPAddr).Port
	if f.tcp, err = net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port)); err != nil {
		f.udp.Close()
		t.Skip("no loopback TCP on the same port:", err)
	}
	f.wg.Add(2)
	go f.serveUDP()
	go f.serveTCP()
	t.Cleanup(func() { f.udp.Close(); f.tcp.Close(); f.wg.Wait() })
	return f
}

func (f *fakeDNS64) server() netip.AddrPort {
	return f.udp.LocalAddr().(*net.UDPAddr).AddrPort()
}

// answer parses a query (its question, through the parser of a response
// with the QR bit set) and builds the response.
func (f *fakeDNS64) answer(q []byte, udp bool) []byte {
	if len(q) < 12 {
		return nil
	}
	r := append([]byte(nil), q...)
	r[2] |= 0x80
	a, err := ParseAnswer(r)
	if err != nil {
		return nil
	}
	f.mu.Lock()
	f.queries = append(f.queries, typeName(a.Type)+" "+a.Name)
	f.mu.Unlock()
	v4, ok := f.a[a.Name]
	if !ok {
		a.RCode = RCodeNXDomain
	}
	a.TTL = 300 * time.Second
	switch a.Type {
	case TypeA:
		a.Addrs = v4
	case TypeAAAA:
		for _, x := range v4 {
			if s, err := Synthesize(f.prefix, x); err == nil {
				a.Addrs = append(a.Addrs, s)
			}
		}
	}
	if udp && f.truncate {
		a.Truncated, a.Addrs = true, nil
	}
	b, _ := a.MarshalBinary()
	return b
}

func (f *fakeDNS64) serveUDP() {
	defer f.wg.Done()
	buf := make([]byte, 512)
	for {
		n, from, err := f.udp.ReadFrom(buf)
		if err != nil {
			return
		}
		if b := f.answer(buf[:n], true); b != nil {
			_, _ = f.udp.WriteTo(b, from)
		}
	}
}

func (f *fakeDNS64) serveTCP() {
	defer f.wg.Done()
	for {
		c, err := f.tcp.Accept()
		if err != nil {
			return
		}
		var l [2]byte
		if _, err := c.Read(l[:]); err == nil {
			q := make([]byte, binary.BigEndian.Uint16(l[:]))
			if _, err := c.Read(q); err == nil {
				b := f.answer(q, false)
				_, _ = c.Write(append(binary.BigEndian.AppendUint16(nil, uint16(len(b))), b...))
			}
		}
		c.Close()
	}
}

var (
	wellKnownA = map[string][]netip.Addr{
		"ipv4only.arpa.":  addrs("192.0.0.170", "192.0.0.171"),
		"a-only.example.": addrs("198.51.100.2"),
	}
)

func TestDiscoverThroughAFakeDNS64(t *testing.T) {
	for _, p := range []string{"64:ff9b::/96", "2001:db8:64:ff00::/64", "2001:db8::/32", "2001:db8:100::/40", "2001:db8:122::/48", "2001:db8:122:300::/56"} {
		t.Run(p, func(t *testing.T) {
			f := startFake(t, netip.MustParsePrefix(p), wellKnownA)
			r := &Resolver{Server: f.server()}
			d, err := r.Discover(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(prefixes(p), d.Prefixes, cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
				t.Errorf("prefixes (-want +got):\n%s", diff)
			}
			if d.TTL != 300*time.Second || len(d.AAAA) != 2 {
				t.Errorf("discovery %+v", d)
			}
		})
	}
}

func TestDiscoverNegative(t *testing.T) {
	// No DNS64: the server answers AAAA with nothing.
	f := startFake(t, netip.Prefix{}, wellKnownA)
	r := &Resolver{Server: f.server()}
	if _, err := r.Discover(context.Background()); !errors.Is(err, ErrNoDNS64) {
		t.Errorf("Discover without DNS64 = %v, want ErrNoDNS64", err)
	}
	// ipv4only.arpa mapped to other addresses: no well-known address.
	f2 := startFake(t, WellKnownPrefix, map[string][]netip.Addr{"ipv4only.arpa.": addrs("192.0.2.1")})
	r2 := &Resolver{Server: f2.server()}
	if _, err := r2.Discover(context.Background()); !errors.Is(err, ErrNoWellKnown) {
		t.Errorf("Discover with a wrong ipv4only.arpa = %v, want ErrNoWellKnown", err)
	}
	// Nobody listens: the port is unreachable, fast.
	dead := &Resolver{Server: netip.MustParseAddrPort("127.0.0.1:1")}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if _, err := dead.Discover(ctx); err == nil {
		t.Error("Discover through a closed port succeeded")
	}
}

func TestLookupTruncatedGoesTCP(t *testing.T) {
	f := startFake(t, WellKnownPrefix, wellKnownA, true)
	r := &Resolver{Server: f.server()}
	a, err := r.Lookup(context.Background(), "a-only.example", TypeAAAA)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Addrs) != 1 || a.Addrs[0] != netip.MustParseAddr("64:ff9b::c633:6402") || a.Truncated {
		t.Errorf("answer over TCP: %+v", a)
	}
}

func TestCheckDNS64(t *testing.T) {
	nsp := netip.MustParsePrefix("2001:db8:64:ff00::/64")
	f := startFake(t, nsp, wellKnownA)
	r := &Resolver{Server: f.server()}
	s, err := CheckDNS64(context.Background(), r, "a-only.example", nsp)
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Prefixes) != 1 || s.Prefixes[0] != nsp || s.AAAA[0] != netip.MustParseAddr("2001:db8:64:ff00:c6:3364:200:0") {
		t.Errorf("synthesis %+v", s)
	}
	if _, err := CheckDNS64(context.Background(), r, "a-only.example", WellKnownPrefix); !errors.Is(err, ErrPrefixMismatch) {
		t.Errorf("CheckDNS64 against another prefix = %v, want ErrPrefixMismatch", err)
	}
	if _, err := CheckDNS64(context.Background(), r, "nosuch.example", nsp); !errors.Is(err, ErrDNS) || !strings.Contains(err.Error(), "no A record") {
		t.Errorf("CheckDNS64 of a missing name = %v", err)
	}
	f2 := startFake(t, netip.Prefix{}, wellKnownA)
	if _, err := CheckDNS64(context.Background(), &Resolver{Server: f2.server()}, "a-only.example", nsp); !errors.Is(err, ErrNoDNS64) {
		t.Errorf("CheckDNS64 without DNS64 = %v, want ErrNoDNS64", err)
	}
}
