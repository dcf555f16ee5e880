package v6onlyserver

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/v6kit/v6kit/internal/clitest"
	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
)

// ledger is what the clients saw, and every broken promise it reveals.
type ledger struct {
	mu         sync.Mutex
	ackedTo    map[netip.Addr]string    // address → the client it was ACKed to
	ackedAt    map[netip.Addr]time.Time // when that client saw the ACK
	leaseOf    map[string]netip.Addr    // client → its ACKed address
	acks       int
	offers     int
	violations []string
	lost       int // a client's ACKed address moved
	doubles    int // an address offered or ACKed to a second client
}

func newLedger() *ledger {
	return &ledger{ackedTo: map[netip.Addr]string{}, ackedAt: map[netip.Addr]time.Time{}, leaseOf: map[string]netip.Addr{}}
}

// offer records an OFFER of a to mac, whose DISCOVER left at sent.
func (l *ledger) offer(mac string, a netip.Addr, sent time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.offers++
	if owner, ok := l.ackedTo[a]; ok && owner != mac && l.ackedAt[a].Before(sent) {
		l.doubles++
		l.violations = append(l.violations, fmt.Sprintf("%v offered to %s while ACKed to %s", a, mac, owner))
	}
	if own, ok := l.leaseOf[mac]; ok && own != a && l.ackedAt[own].Before(sent) {
		l.lost++
		l.violations = append(l.violations, fmt.Sprintf("%s offered %v although its lease is %v (lease lost)", mac, a, own))
	}
}

func (l *ledger) ack(mac string, a netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.acks++
	if owner, ok := l.ackedTo[a]; ok && owner != mac {
		l.doubles++
		l.violations = append(l.violations, fmt.Sprintf("%v ACKed to %s and to %s", a, owner, mac))
	}
	if own, ok := l.leaseOf[mac]; ok && own != a {
		l.lost++
		l.violations = append(l.violations, fmt.Sprintf("%s ACKed %v although its lease is %v (lease lost)", mac, a, own))
	}
	if _, ok := l.ackedTo[a]; !ok {
		l.ackedTo[a], l.ackedAt[a] = mac, time.Now()
	}
	l.leaseOf[mac] = a
}

// TestLeasesSurviveSIGKILL runs the real program in a namespace under load
// from many DHCP clients (nclient4, one raw socket each), kills it with
// SIGKILL at random moments, restarts it on the same lease file, and
// checks that every lease a client saw ACKed survives and that no address
// is ever offered or ACKed to two clients.
func TestLeasesSurviveSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("-short: a minute of load")
	}
	l := labtest.New(t)
	srv, cli := labtest.Pair(t, l, "srv", "cli")
	if err := srv.AddAddr("eth0", netip.MustParsePrefix("192.0.2.1/24")); err != nil {
		t.Fatal(err)
	}
	bin := clitest.Build(t, "github.com/v6kit/v6kit/examples/v6only-server")
	dir := t.TempDir()
	leases := filepath.Join(dir, "v6only-server.leases")
	args := []string{"-i", "eth0", "-range", "192.0.2.10-192.0.2.250", "-router", "192.0.2.1", "-lease", "1h", "-leases", leases, "-quiet"}
	var stderr lab.SyncBuffer
	start := func() *exec.Cmd {
		c := srv.Command(context.Background(), bin, args...)
		c.Stderr = &stderr
		if err := c.Start(); err != nil {
			t.Fatal(err)
		}
		return c
	}

	const (
		workers   = 12
		macsEach  = 8 // 96 clients for 241 addresses
		kills     = 6
		perClient = 300 * time.Millisecond
	)
	led := newLedger()
	ctx, stopLoad := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	clients := make([][]*nclient4.Client, workers)
	err := cli.Run(func() error {
		for w := range workers {
			for j := range macsEach {
				mac := net.HardwareAddr{0x02, 0x00, 0x5e, 0x20, byte(w), byte(j)}
				c, err := nclient4.New("eth0", nclient4.WithHWAddr(mac), nclient4.WithTimeout(perClient), nclient4.WithRetry(1))
				if err != nil {
					return err
				}
				clients[w] = append(clients[w], c)
			}
		}
		return nil
	})
	t.Cleanup(func() {
		for _, cs := range clients {
			for _, c := range cs {
				c.Close()
			}
		}
	})
	if err != nil {
		t.Fatalf("nclient4: %v", err)
	}
	var errMu sync.Mutex
	clientErrs := map[string]int{}
	for w := range workers {
		wg.Go(func() {
			for i := 0; ctx.Err() == nil; i++ {
				c := clients[w][i%macsEach]
				mac := c.InterfaceAddr().String()
				sent := time.Now()
				offer, err := c.DiscoverOffer(ctx)
				if err != nil {
					errMu.Lock()
					clientErrs[errClass(err)]++
					errMu.Unlock()
					continue
				}
				a, _ := netip.AddrFromSlice(offer.YourIPAddr.To4())
				led.offer(mac, a, sent)
				lease, err := c.RequestFromOffer(ctx, offer)
				if err != nil {
					errMu.Lock()
					clientErrs[errClass(err)]++
					errMu.Unlock()
					continue
				}
				a, _ = netip.AddrFromSlice(lease.ACK.YourIPAddr.To4())
				led.ack(mac, a)
			}
		})
	}

	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 12))
	server := start()
	for k := range kills {
		time.Sleep(time.Duration(300+rng.IntN(1500)) * time.Millisecond) // a random moment under load
		if err := server.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatalf("kill %d: %v", k+1, err)
		}
		_ = server.Wait()
		server = start()
	}
	time.Sleep(time.Second) // load on the last run too
	stopLoad()
	wg.Wait()

	// Every client that saw an ACK is offered its address again by the
	// server that was killed kills times.
	led.mu.Lock()
	leasesOf := make(map[string]netip.Addr, len(led.leaseOf))
	for k, v := range led.leaseOf {
		leasesOf[k] = v
	}
	led.mu.Unlock()
	lost := 0
	checkCtx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for _, cs := range clients {
		for _, c := range cs {
			mac := c.InterfaceAddr().String()
			want, ok := leasesOf[mac]
			if !ok {
				continue
			}
			var offer *dhcpv4.DHCPv4
			var err error
			for range 20 { // the restarted server may still be opening its socket
				if offer, err = c.DiscoverOffer(checkCtx); err == nil {
					break
				}
			}
			if err != nil {
				t.Errorf("%s: no offer after the last restart: %v", mac, err)
				lost++
				continue
			}
			if got, _ := netip.AddrFromSlice(offer.YourIPAddr.To4()); got != want {
				t.Errorf("%s: ACKed %v before a kill, offered %v after (lease lost)", mac, want, got)
				lost++
			}
		}
	}
	_ = server.Process.Signal(syscall.SIGTERM)
	if err := server.Wait(); err != nil && !errors.Is(err, os.ErrProcessDone) {
		t.Logf("server exit: %v", err)
	}
	for i, v := range led.violations {
		if i == 20 {
			t.Errorf("… and %d more", len(led.violations)-20)
			break
		}
		t.Error(v)
	}
	t.Logf("kills %d, offers seen %d, ACKs seen %d, leases checked %d (%d at the end, every ACK while running), lost %d, offered/ACKed to two clients %d; client errors %v",
		kills, led.offers, led.acks, led.acks+len(leasesOf), len(leasesOf), lost+led.lost, led.doubles, clientErrs)
	if len(leasesOf) < workers*macsEach/2 {
		t.Errorf("only %d clients got a lease: too little load to say anything", len(leasesOf))
	}
	if t.Failed() {
		t.Logf("server stderr:\n%s", stderr.String())
	}
}

func errClass(err error) string {
	switch {
	case errors.Is(err, nclient4.ErrNoResponse):
		return "no response"
	case errors.Is(err, context.Canceled):
		return "stopped"
	}
	var nak *nclient4.ErrNak
	if errors.As(err, &nak) {
		return "NAK"
	}
	return "other"
}
