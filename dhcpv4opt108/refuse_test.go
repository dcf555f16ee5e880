package dhcpv4opt108

import (
	"errors"
	"net/netip"
	"testing"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// TestEncodersRefuseForbiddenValues: nothing the SDK encodes can carry a
// value RFC 8925 or RFC 2131/2132 forbids.
func TestEncodersRefuseForbiddenValues(t *testing.T) {
	for _, tt := range []struct {
		name string
		err  error
		want error
	}{
		{"New negative", second(New(-time.Second)), ErrRange},
		{"New above 2^32-1 s", second(New(MaxV6OnlyWait + time.Second)), ErrRange},
		{"New fraction", second(New(1500 * time.Millisecond)), ErrFraction},
		{"FromSeconds negative", second(FromSeconds(-1)), ErrRange},
		{"FromSeconds 2^32", second(FromSeconds(1 << 32)), ErrRange},
		{"networkd below MIN_V6ONLY_WAIT", second(Render(Networkd, Option{299})), ErrRange},
		{"unknown render target", second(Render(Target(99), Option{1800})), ErrTarget},
		{"Offer without a server ID", second(Policy{ZeroYIAddr: true}.Offer(request(t, dhcpv4.MessageTypeDiscover, WithRequest()))), ErrNoServerID},
		{"Offer with server ID 0.0.0.0", second(Policy{ZeroYIAddr: true, ServerID: netip.IPv4Unspecified()}.Offer(request(t, dhcpv4.MessageTypeDiscover, WithRequest()))), ErrNoServerID},
		{"Offer with an IPv6 server ID", second(Policy{ZeroYIAddr: true, ServerID: netip.MustParseAddr("2001:db8::1")}.Offer(request(t, dhcpv4.MessageTypeDiscover, WithRequest()))), ErrNoServerID},
		{"Handler with a broadcast server ID", second(Handler(Policy{ZeroYIAddr: true, ServerID: netip.MustParseAddr("255.255.255.255")}, nil)), ErrNoServerID},
	} {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
}

func second[T any](_ T, err error) error { return err }

// TestApplyNever108Forbidden: 108 never goes to a client that did not ask
// (RFC 8925, Section 3.3) nor into a NAK (RFC 2131, Table 3).
func TestApplyNever108Forbidden(t *testing.T) {
	p := Policy{Wait: Option{1800}}
	for _, tt := range []struct {
		name string
		req  *dhcpv4.DHCPv4
		resp dhcpv4.MessageType
	}{
		{"not asked", request(t, dhcpv4.MessageTypeDiscover), dhcpv4.MessageTypeOffer},
		{"NAK to a REQUEST that asked", request(t, dhcpv4.MessageTypeRequest, WithRequest()), dhcpv4.MessageTypeNak},
	} {
		resp, err := dhcpv4.NewReplyFromRequest(tt.req, dhcpv4.WithMessageType(tt.resp))
		if err != nil {
			t.Fatal(err)
		}
		resp.UpdateOption(Option{60}.DHCPv4()) // a stale 108 from the allocating server
		p.Apply(tt.req, resp)
		if _, pr := Lookup(resp); pr != Absent {
			t.Errorf("%s: the reply carries option 108 (%v)", tt.name, pr)
		}
	}
}
