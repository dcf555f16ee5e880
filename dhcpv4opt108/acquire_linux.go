package dhcpv4opt108

import (
	"context"
	"fmt"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

// Conn is what [Acquire] needs of a DHCPv4 client; *nclient4.Client has
// it. (nclient4 builds on Linux only, so Acquire does too.)
type Conn interface {
	Discoverer
	RequestFromOffer(ctx context.Context, offer *dhcpv4.DHCPv4, modifiers ...dhcpv4.Modifier) (*nclient4.Lease, error)
}

var _ Conn = (*nclient4.Client)(nil)

// Acquire runs a client's start-up as RFC 8925, Section 3.2 wants it on c: a
// DISCOVER (asking for 108 when capable), [Decide] on the OFFER, and a
// REQUEST only when no 108 applies. modifiers apply to both messages.
func Acquire(ctx context.Context, c Conn, capable bool, modifiers ...dhcpv4.Modifier) (Result, error) {
	r, err := discover(ctx, c, capable, modifiers)
	if err != nil || r.V6Only() {
		return r, err
	}
	if capable {
		modifiers = append(modifiers[:len(modifiers):len(modifiers)], WithRequest())
	}
	lease, err := c.RequestFromOffer(ctx, r.Offer, modifiers...)
	if err != nil {
		return r, fmt.Errorf("dhcpv4opt108: request: %w", err)
	}
	r.ACK = lease.ACK
	return r, nil
}
