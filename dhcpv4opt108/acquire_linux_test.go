package dhcpv4opt108

import (
	"context"
	"errors"
	"testing"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
)

func (f *fakeConn) RequestFromOffer(ctx context.Context, offer *dhcpv4.DHCPv4, mods ...dhcpv4.Modifier) (*nclient4.Lease, error) {
	f.requests++
	if f.requestErr != nil {
		return nil, f.requestErr
	}
	ack, err := dhcpv4.NewReplyFromRequest(offer, dhcpv4.WithMessageType(dhcpv4.MessageTypeAck), dhcpv4.WithYourIP(offer.YourIPAddr),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(offer.ServerIdentifier())))
	if err != nil {
		return nil, err
	}
	return &nclient4.Lease{Offer: offer, ACK: ack}, nil
}

func TestAcquire(t *testing.T) {
	tests := []struct {
		name         string
		offer        *dhcpv4.DHCPv4
		capable      bool
		wantRequests int
		wantPRL108   bool
		wantString   string
	}{
		{name: "capable, 108 offered: no REQUEST", offer: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 0, 7, 8}), capable: true,
			wantPRL108: true, wantString: "IPv6-only for 30m0s"},
		{name: "capable, no 108: lease", offer: reply(t, dhcpv4.MessageTypeOffer, nil), capable: true,
			wantRequests: 1, wantPRL108: true, wantString: "lease 192.0.2.100 from 192.0.2.1"},
		{name: "capable, malformed 108: lease", offer: reply(t, dhcpv4.MessageTypeOffer, []byte("0000i")), capable: true,
			wantRequests: 1, wantPRL108: true, wantString: "lease 192.0.2.100 from 192.0.2.1"},
		{name: "not capable, 108 offered anyway: lease", offer: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 0, 7, 8}),
			wantRequests: 1, wantString: "lease 192.0.2.100 from 192.0.2.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &fakeConn{offer: tt.offer}
			r, err := Acquire(context.Background(), c, tt.capable)
			if err != nil {
				t.Fatal(err)
			}
			if c.requests != tt.wantRequests {
				t.Errorf("sent %d REQUESTs, want %d", c.requests, tt.wantRequests)
			}
			if got := Requested(c.discovers[0]); got != tt.wantPRL108 {
				t.Errorf("DISCOVER asks for 108: %v, want %v", got, tt.wantPRL108)
			}
			if got := r.String(); got != tt.wantString {
				t.Errorf("Result = %q, want %q", got, tt.wantString)
			}
			if r.V6Only() != (r.ACK == nil) {
				t.Errorf("V6Only=%v with ACK %v", r.V6Only(), r.ACK)
			}
		})
	}
}

func TestAcquireErrors(t *testing.T) {
	if _, err := Acquire(context.Background(), &fakeConn{}, true); !errors.Is(err, errNoOffer) {
		t.Errorf("no offer: error = %v, want errNoOffer", err)
	}
	nak := errors.New("nak")
	c := &fakeConn{offer: reply(t, dhcpv4.MessageTypeOffer, nil), requestErr: nak}
	if _, err := Acquire(context.Background(), c, false); !errors.Is(err, nak) {
		t.Errorf("request error = %v, want %v", err, nak)
	}
}
