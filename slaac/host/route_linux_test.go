package host_test

import (
	"context"
	"net/netip"
	"slices"
	"testing"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
	"github.com/v6kit/v6kit/slaac/host"
)

// waitRoute waits until the host learnt prefix from an RA.
func waitRoute(t *testing.T, p *pair, prefix netip.Prefix) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err := lab.WaitFor(ctx, 100*time.Millisecond, func() (bool, error) {
		var l *host.Link
		err := p.host.Run(func() (err error) { l, err = host.ReadLink("eth0"); return err })
		return err == nil && slices.Contains(l.RAPrefixes, prefix), err
	})
	if err != nil {
		t.Fatalf("no RA route for %v: %v", prefix, err)
	}
}
