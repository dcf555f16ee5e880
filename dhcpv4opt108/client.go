package dhcpv4opt108

import (
	"context"
	"fmt"
	"net/netip"
	"strconv"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"
)

// Capable reports whether a host is IPv6-only-capable in RFC 8925's sense
// (Section 2): it knows a PREF64 / NAT64 prefix to reach IPv4 through
// (RFC 8781, RFC 7050), or it does not need IPv4 at all. Only such a host
// asks for option 108.
func Capable(pref64 []netip.Prefix, needIPv4 bool) bool {
	return len(pref64) > 0 || !needIPv4
}

// State is the client state a reply arrives in (RFC 2131, Section 4.4), as
// far as RFC 8925 distinguishes them.
type State uint8

const (
	// Selecting: the client sent a DISCOVER and reads OFFERs.
	Selecting State = iota
	// Requesting: the client sent a REQUEST for an offer and reads the ACK.
	Requesting
	// InitReboot: the client sent a REQUEST for its remembered address
	// and reads the ACK.
	InitReboot
	// Renewing covers RENEWING and REBINDING.
	Renewing
)

func (s State) String() string {
	switch s {
	case Selecting:
		return "SELECTING"
	case Requesting:
		return "REQUESTING"
	case InitReboot:
		return "INIT-REBOOT"
	case Renewing:
		return "RENEWING"
	}
	return "State(" + strconv.Itoa(int(s)) + ")"
}

// Action is what a client does after a reply.
type Action uint8

const (
	// Continue: carry on with DHCPv4 (REQUEST the offer, use the lease).
	Continue Action = iota
	// StopV6Only: stop DHCPv4 on the interface, configure no IPv4 address,
	// and try again after [Decision.Wait] or the next network attachment.
	StopV6Only
)

func (a Action) String() string {
	switch a {
	case Continue:
		return "continue"
	case StopV6Only:
		return "v6only"
	}
	return "Action(" + strconv.Itoa(int(a)) + ")"
}

// Reason says why [Decide] came to its [Action].
type Reason uint8

const (
	// ReasonNoOption: the reply carries no option 108.
	ReasonNoOption Reason = iota
	// ReasonValid: a valid option 108 the client asked for.
	ReasonValid
	// ReasonNotRequested: the client did not ask for 108, so it ignores
	// the option (RFC 8925, Section 3.2).
	ReasonNotRequested
	// ReasonMalformed: option 108 with a length other than 4, ignored.
	ReasonMalformed
	// ReasonWrongState: 108 in a reply RFC 8925 does not act on (an ACK
	// outside INIT-REBOOT, say).
	ReasonWrongState
)

func (r Reason) String() string {
	switch r {
	case ReasonNoOption:
		return "no option 108"
	case ReasonValid:
		return "option 108 valid"
	case ReasonNotRequested:
		return "option 108 not requested: ignored"
	case ReasonMalformed:
		return "option 108 malformed: ignored"
	case ReasonWrongState:
		return "option 108 not acted on in this state"
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// Decision is the outcome of [Decide].
type Decision struct {
	Action Action
	Reason Reason
	// Presence and Option describe option 108 in the reply, whatever the
	// action: Option is meaningful only when Presence is [Valid].
	Presence Presence
	Option   Option
	// Wait is how long to stay IPv6-only: max(V6ONLY_WAIT, 300 s) when
	// Action is [StopV6Only], else 0.
	Wait time.Duration
}

// Decide is a client's decision on one reply, as RFC 8925, Section 3.2 says.
// requested says whether the client put 108 in its Parameter Request List
// (it does so only when [Capable]). It is a pure function.
//
//   - An OFFER in [Selecting] with a valid 108: do not REQUEST; stop for
//     max(V6ONLY_WAIT, MIN_V6ONLY_WAIT).
//   - An ACK in [InitReboot] with a valid 108: stop likewise.
//   - A 108 the client did not request, or one whose length is not 4, is
//     ignored; so is one in any other reply.
func Decide(state State, requested bool, reply *dhcpv4.DHCPv4) Decision {
	o, p := Lookup(reply)
	d := Decision{Presence: p, Option: o}
	switch {
	case p == Absent:
		d.Reason = ReasonNoOption
	case !requested:
		d.Reason = ReasonNotRequested
	case p == Malformed:
		d.Reason = ReasonMalformed
	case state == Selecting && reply.MessageType() == dhcpv4.MessageTypeOffer,
		state == InitReboot && reply.MessageType() == dhcpv4.MessageTypeAck:
		d.Action, d.Reason, d.Wait = StopV6Only, ReasonValid, o.Effective()
	default:
		d.Reason = ReasonWrongState
	}
	return d
}

// Discoverer sends a DISCOVER and returns the OFFER it gets, as
// *nclient4.Client's DiscoverOffer does. It is all [Probe] needs.
type Discoverer interface {
	DiscoverOffer(ctx context.Context, modifiers ...dhcpv4.Modifier) (*dhcpv4.DHCPv4, error)
}

// Result is what [Acquire] or [Probe] ended with: IPv6-only for a while, or
// a lease (Acquire) / an offer a client would take (Probe).
type Result struct {
	// Offer is the OFFER the decision was made on.
	Offer *dhcpv4.DHCPv4
	// Decision is [Decide]'s verdict on Offer.
	Decision Decision
	// ACK is the ACK of the lease Acquire obtained; nil when IPv6-only,
	// and always nil from Probe. &nclient4.Lease{Offer: r.Offer, ACK:
	// r.ACK} renews or releases it.
	ACK *dhcpv4.DHCPv4
}

// V6Only reports whether the client is to stay IPv6-only.
func (r Result) V6Only() bool { return r.Decision.Action == StopV6Only }

// String says "IPv6-only for 30m0s" or "lease 192.0.2.100 from 192.0.2.1"
// ("offer …" when no lease was taken).
func (r Result) String() string {
	if r.V6Only() {
		return "IPv6-only for " + r.Decision.Wait.String()
	}
	m, what := r.Offer, "offer"
	if r.ACK != nil {
		m, what = r.ACK, "lease"
	}
	if m == nil {
		return "no offer"
	}
	return fmt.Sprintf("%s %v from %v", what, m.YourIPAddr, m.ServerIdentifier())
}

// Probe sends one DISCOVER that asks for 108 and decides on the OFFER. It
// never sends a REQUEST: it only tells what a capable client would do.
func Probe(ctx context.Context, c Discoverer, modifiers ...dhcpv4.Modifier) (Result, error) {
	return discover(ctx, c, true, modifiers)
}

func discover(ctx context.Context, c Discoverer, capable bool, modifiers []dhcpv4.Modifier) (Result, error) {
	if capable {
		modifiers = append(modifiers[:len(modifiers):len(modifiers)], WithRequest())
	}
	offer, err := c.DiscoverOffer(ctx, modifiers...)
	if err != nil {
		return Result{}, fmt.Errorf("dhcpv4opt108: discover: %w", err)
	}
	return Result{Offer: offer, Decision: Decide(Selecting, capable, offer)}, nil
}
