package dhcpv4opt108

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/insomniacslk/dhcp/dhcpv4"
)

func reply(t testing.TB, mt dhcpv4.MessageType, v108 []byte) *dhcpv4.DHCPv4 {
	t.Helper()
	m, err := dhcpv4.New(dhcpv4.WithMessageType(mt),
		dhcpv4.WithYourIP(net.IPv4(192, 0, 2, 100)),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(net.IPv4(192, 0, 2, 1))))
	if err != nil {
		t.Fatal(err)
	}
	if v108 != nil {
		m.UpdateOption(dhcpv4.OptGeneric(dhcpv4.OptionIPv6OnlyPreferred, v108))
	}
	return m
}

func TestCapable(t *testing.T) {
	pref64 := []netip.Prefix{netip.MustParsePrefix("64:ff9b::/96")}
	tests := []struct {
		name     string
		pref64   []netip.Prefix
		needIPv4 bool
		want     bool
	}{
		{name: "PREF64 known, IPv4 needed", pref64: pref64, needIPv4: true, want: true},
		{name: "no PREF64, IPv4 not needed", needIPv4: false, want: true},
		{name: "no PREF64, IPv4 needed", needIPv4: true, want: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Capable(tt.pref64, tt.needIPv4); got != tt.want {
				t.Errorf("Capable = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestDecide(t *testing.T) {
	tests := []struct {
		name      string
		state     State
		requested bool
		reply     *dhcpv4.DHCPv4
		want      Decision
	}{
		{
			name: "offer with 1800 s", state: Selecting, requested: true,
			reply: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 0, 7, 8}),
			want:  Decision{Action: StopV6Only, Reason: ReasonValid, Presence: Valid, Option: Option{1800}, Wait: 1800 * time.Second},
		},
		{
			name: "offer with 0 clamps to 300 s", state: Selecting, requested: true,
			reply: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 0, 0, 0}),
			want:  Decision{Action: StopV6Only, Reason: ReasonValid, Presence: Valid, Option: Option{0}, Wait: 300 * time.Second},
		},
		{
			name: "offer with 299 clamps to 300 s", state: Selecting, requested: true,
			reply: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 0, 1, 0x2b}),
			want:  Decision{Action: StopV6Only, Reason: ReasonValid, Presence: Valid, Option: Option{299}, Wait: 300 * time.Second},
		},
		{
			name: "offer without 108", state: Selecting, requested: true,
			reply: reply(t, dhcpv4.MessageTypeOffer, nil),
			want:  Decision{Reason: ReasonNoOption},
		},
		{
			name: "unrequested 108 is ignored", state: Selecting, requested: false,
			reply: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 0, 7, 8}),
			want:  Decision{Reason: ReasonNotRequested, Presence: Valid, Option: Option{1800}},
		},
		{
			name: "length 5 is ignored", state: Selecting, requested: true,
			reply: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 0, 7, 8, 0}),
			want:  Decision{Reason: ReasonMalformed, Presence: Malformed},
		},
		{
			name: "length 3 is ignored", state: Selecting, requested: true,
			reply: reply(t, dhcpv4.MessageTypeOffer, []byte{0, 7, 8}),
			want:  Decision{Reason: ReasonMalformed, Presence: Malformed},
		},
		{
			name: "ACK in INIT-REBOOT stops", state: InitReboot, requested: true,
			reply: reply(t, dhcpv4.MessageTypeAck, []byte{0, 0, 7, 8}),
			want:  Decision{Action: StopV6Only, Reason: ReasonValid, Presence: Valid, Option: Option{1800}, Wait: 1800 * time.Second},
		},
		{
			name: "ACK in REQUESTING does not", state: Requesting, requested: true,
			reply: reply(t, dhcpv4.MessageTypeAck, []byte{0, 0, 7, 8}),
			want:  Decision{Reason: ReasonWrongState, Presence: Valid, Option: Option{1800}},
		},
		{
			name: "ACK while renewing does not", state: Renewing, requested: true,
			reply: reply(t, dhcpv4.MessageTypeAck, []byte{0, 0, 7, 8}),
			want:  Decision{Reason: ReasonWrongState, Presence: Valid, Option: Option{1800}},
		},
		{
			name: "nil reply", state: Selecting, requested: true,
			want: Decision{Reason: ReasonNoOption},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Decide(tt.state, tt.requested, tt.reply)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Decide (-want +got):\n%s", diff)
			}
		})
	}
}

var errNoOffer = errors.New("no offer")

// fakeConn answers DISCOVERs with offer and REQUESTs with an ACK, and
// records what it was sent.
type fakeConn struct {
	offer      *dhcpv4.DHCPv4
	discovers  []*dhcpv4.DHCPv4
	requests   int
	requestErr error
}

func (f *fakeConn) DiscoverOffer(ctx context.Context, mods ...dhcpv4.Modifier) (*dhcpv4.DHCPv4, error) {
	d, err := dhcpv4.NewDiscovery(net.HardwareAddr{2, 0, 0, 0, 0, 1}, mods...)
	if err != nil {
		return nil, err
	}
	f.discovers = append(f.discovers, d)
	if f.offer == nil {
		return nil, errNoOffer
	}
	return f.offer, nil
}

func TestProbeNeverRequests(t *testing.T) {
	for _, v := range [][]byte{nil, {0, 0, 7, 8}, {1}} {
		c := &fakeConn{offer: reply(t, dhcpv4.MessageTypeOffer, v)}
		r, err := Probe(context.Background(), c)
		if err != nil {
			t.Fatal(err)
		}
		if c.requests != 0 || !Requested(c.discovers[0]) || r.ACK != nil {
			t.Errorf("108 % x: requests=%d, asked=%v, ack=%v", v, c.requests, Requested(c.discovers[0]), r.ACK)
		}
	}
}

func TestEnumStrings(t *testing.T) {
	got := []string{Selecting.String(), Requesting.String(), InitReboot.String(), Renewing.String(), State(7).String(),
		Continue.String(), StopV6Only.String(), Action(7).String(),
		ReasonNoOption.String(), ReasonValid.String(), ReasonNotRequested.String(), ReasonMalformed.String(), ReasonWrongState.String(), Reason(9).String(),
		Result{}.String()}
	want := []string{"SELECTING", "REQUESTING", "INIT-REBOOT", "RENEWING", "State(7)",
		"continue", "v6only", "Action(7)",
		"no option 108", "option 108 valid", "option 108 not requested: ignored", "option 108 malformed: ignored", "option 108 not acted on in this state", "Reason(9)",
		"no offer"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
