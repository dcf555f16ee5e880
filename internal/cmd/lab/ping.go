//go:build linux

package labcmd

import (
	"context"
	"net/netip"
	"time"

	"github.com/v6kit/v6kit/internal/lab"
)

// pingFor pings dst from ns for at most d (see lab.Netns.Ping).
func pingFor(ctx context.Context, d time.Duration, ns *lab.Netns, ifname string, dst netip.Addr) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return ns.Ping(ctx, dst, ifname)
}
