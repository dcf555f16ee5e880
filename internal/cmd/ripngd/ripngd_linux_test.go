package ripngd

import (
	"context"
	"net/netip"
	"strings"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/internal/labtest"
	"github.com/v6kit/v6kit/ripng"
)

// TestTwoDaemonsInstall runs two ripngd on a veth pair; the one with
// -install puts the other's route in its kernel with protocol 196 and
// takes it out again on exit.
func TestTwoDaemonsInstall(t *testing.T) {
	l := labtest.New(t)
	// Nothing ripngd started (readers, timers, netlink) outlives Run.
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	a, b := labtest.Pair(t, l, "a", "b") // eth0–eth0, fe80::1 and fe80::2

	type daemon struct {
		out    lab.SyncBuffer
		cancel context.CancelFunc
		done   chan error
		sp     chan *ripng.Speaker
	}
	start := func(ns *lab.Netns, opts Options) *daemon {
		d := &daemon{done: make(chan error, 1), sp: make(chan *ripng.Speaker, 1)}
		var ctx context.Context
		ctx, d.cancel = context.WithCancel(context.Background())
		opts.Started = func(s *ripng.Speaker) { d.sp <- s }
		go func() { d.done <- ns.Run(func() error { return Run(ctx, opts, &d.out) }) }()
		t.Cleanup(func() { d.cancel(); <-d.done })
		return d
	}
	da := start(a, Options{Interfaces: []string{"eth0"}, Announce: []netip.Prefix{netip.MustParsePrefix("2001:db8:a::/48")}, Tag: 5})
	db := start(b, Options{Interfaces: []string{"eth0"}, Announce: []netip.Prefix{netip.MustParsePrefix("2001:db8:b::/48")}, JSON: true, Install: true, Cost: 2})
	<-da.sp
	<-db.sp

	kernel := func() string {
		out, err := b.Output(context.Background(), "ip", "-6", "route", "show", "proto", "196")
		if err != nil {
			t.Fatal(err)
		}
		return string(out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := lab.WaitFor(ctx, 20*time.Millisecond, func() (bool, error) {
		return strings.Contains(kernel(), "2001:db8:a::/48 via fe80::1 dev eth0"), nil
	}); err != nil {
		t.Fatalf("b's kernel never got a's route: %v\n%s", err, kernel())
	}
	t.Logf("b's kernel: %s", kernel())

	db.cancel()
	if err := <-db.done; err != nil {
		t.Fatalf("b: %v", err)
	}
	db.done <- nil // for the cleanup
	want := `{"prefix":"2001:db8:a::/48","nexthop":"fe80::1","metric":3,"tag":5,"iface":"eth0","from":"fe80::1"}
{"prefix":"2001:db8:b::/48","nexthop":"::","metric":1,"tag":0,"iface":"","from":"::"}
`
	if got := db.out.String(); got != want {
		t.Errorf("b printed:\n%s\nwant:\n%s", got, want)
	}
	if k := kernel(); strings.TrimSpace(k) != "" {
		t.Errorf("b left routes in its kernel:\n%s", k)
	}

	da.cancel()
	if err := <-da.done; err != nil {
		t.Fatalf("a: %v", err)
	}
	da.done <- nil
	if got := da.out.String(); !strings.Contains(got, "2001:db8:a::/48") || !strings.Contains(got, "self") {
		t.Errorf("a printed:\n%s", got)
	}
}
