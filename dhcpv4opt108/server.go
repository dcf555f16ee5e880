package dhcpv4opt108

import (
	"errors"
	"net"
	"net/netip"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"
)

// ErrNoServerID reports a [Policy] that answers DISCOVERs itself
// (ZeroYIAddr) without the server identifier to put in its OFFERs.
var ErrNoServerID = errors.New("dhcpv4opt108: policy with ZeroYIAddr needs a unicast IPv4 ServerID")

// unicast4 reports whether a is an IPv4 address a server can be
// identified by (RFC 2131, Section 3.1: an address of the server).
func unicast4(a netip.Addr) bool {
	return a.Is4() && !a.IsUnspecified() && !a.IsMulticast() && a != netip.AddrFrom4([4]byte{255, 255, 255, 255})
}

// Policy is a DHCPv4 server's configuration for option 108 (RFC 8925,
// Section 3.3). The zero value sends 108 with V6ONLY_WAIT 0 to every client
// that asks for it and still hands out addresses.
type Policy struct {
	// Wait is the configured V6ONLY_WAIT (0 when unset; clients then wait
	// [MinV6OnlyWait]). Build it with [New] or [FromSeconds].
	Wait Option
	// ZeroYIAddr makes the server answer a DISCOVER that asks for 108
	// with yiaddr 0.0.0.0 and allocate nothing for that client. Most
	// servers (dnsmasq, Kea, ISC dhcpd) still offer a pool address, so it
	// is off by default.
	ZeroYIAddr bool
	// ServerID is the server identifier (option 54) for OFFERs that
	// [Handler] builds itself under ZeroYIAddr.
	ServerID netip.Addr
}

// Verdict is [Policy.Decide]'s outcome for one client message.
type Verdict struct {
	// V6Only: the reply carries option 108 with Option.
	V6Only bool
	Option Option
	// ZeroYIAddr: the reply is an OFFER with yiaddr 0.0.0.0 and nothing is
	// allocated.
	ZeroYIAddr bool
	// AutoConfigure: the reply carries option 116 DoNotAutoConfigure,
	// because the client sent 116 and gets no address (RFC 2563 as
	// updated by RFC 8925, Section 3.3.1).
	AutoConfigure bool
	// RapidCommitRefused: the client asked for Rapid Commit (RFC 4039) but
	// the reply carries 108, so the server answers with an OFFER, not an
	// ACK.
	RapidCommitRefused bool
}

// Decide is the server's decision for one client message, a pure function
// (RFC 8925, Section 3.3): 108 only when the client's Parameter Request List
// really contains 108 and the message is a DISCOVER or REQUEST.
func (p Policy) Decide(req *dhcpv4.DHCPv4) Verdict {
	if req == nil || !Requested(req) {
		return Verdict{}
	}
	return p.DecideFor(req.MessageType(), true, req.Options.Has(dhcpv4.OptionRapidCommit), req.Options.Has(dhcpv4.OptionAutoConfigure))
}

// DecideFor is [Policy.Decide] for a message its server read in place,
// without building a [dhcpv4.DHCPv4]: mt is its message type, requested
// whether its Parameter Request List contains 108 (see [Requested]),
// rapidCommit and autoConfigure whether it carries options 80 (Rapid
// Commit) and 116 (Auto-Configure). It allocates nothing.
func (p Policy) DecideFor(mt dhcpv4.MessageType, requested, rapidCommit, autoConfigure bool) Verdict {
	var v Verdict
	if !requested || mt != dhcpv4.MessageTypeDiscover && mt != dhcpv4.MessageTypeRequest {
		return v
	}
	v.V6Only, v.Option = true, p.Wait
	if mt == dhcpv4.MessageTypeDiscover {
		v.RapidCommitRefused = rapidCommit
		if p.ZeroYIAddr {
			v.ZeroYIAddr = true
			v.AutoConfigure = autoConfigure
		}
	}
	return v
}

// Apply decides for req and edits resp, the reply another server built,
// to match: it adds (or removes) 108 (never to a NAK, which carries no
// configuration), turns a Rapid Commit ACK to a
// DISCOVER carrying 108 back into an OFFER, and under ZeroYIAddr sets
// yiaddr 0.0.0.0 with option 116 only when the client sent 116. It is the
// policy for servers that build their own replies (coredhcp plugins, say).
func (p Policy) Apply(req, resp *dhcpv4.DHCPv4) Verdict {
	v := p.Decide(req)
	if resp == nil {
		return v
	}
	resp.Options.Del(dhcpv4.OptionIPv6OnlyPreferred)
	if req != nil && !req.Options.Has(dhcpv4.OptionAutoConfigure) {
		resp.Options.Del(dhcpv4.OptionAutoConfigure)
	}
	if !v.V6Only || isNak(resp) {
		// A NAK carries no configuration (RFC 2131, Table 3).
		return v
	}
	resp.UpdateOption(v.Option.DHCPv4())
	if v.RapidCommitRefused {
		resp.Options.Del(dhcpv4.OptionRapidCommit)
		if resp.MessageType() == dhcpv4.MessageTypeAck {
			resp.UpdateOption(dhcpv4.OptMessageType(dhcpv4.MessageTypeOffer))
		}
	}
	if v.ZeroYIAddr {
		resp.YourIPAddr = net.IPv4zero
		if v.AutoConfigure {
			resp.UpdateOption(dhcpv4.OptAutoConfigure(dhcpv4.DoNotAutoConfigure))
		}
	}
	return v
}

// Offer builds the OFFER a ZeroYIAddr server sends a capable client's
// DISCOVER: yiaddr 0.0.0.0, the server identifier, 108, and 116
// DoNotAutoConfigure when the client sent 116.
func (p Policy) Offer(req *dhcpv4.DHCPv4) (*dhcpv4.DHCPv4, error) {
	if !unicast4(p.ServerID) {
		return nil, ErrNoServerID
	}
	resp, err := dhcpv4.NewReplyFromRequest(req,
		dhcpv4.WithMessageType(dhcpv4.MessageTypeOffer),
		dhcpv4.WithServerIP(p.ServerID.AsSlice()),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(p.ServerID.AsSlice())),
	)
	if err != nil {
		return nil, err
	}
	p.Apply(req, resp)
	return resp, nil
}

// Handler wraps next, a [server4.Handler] that allocates addresses, with the
// policy. Every reply next writes passes through [Policy.Apply]; under
// ZeroYIAddr a DISCOVER asking for 108 is answered with [Policy.Offer] and
// never reaches next, so nothing is allocated. A nil next allocates
// nothing for anyone: messages that would reach it get no answer. It
// returns [ErrNoServerID] for a ZeroYIAddr policy without ServerID.
func Handler(p Policy, next server4.Handler) (server4.Handler, error) {
	if p.ZeroYIAddr && !unicast4(p.ServerID) {
		return nil, ErrNoServerID
	}
	return func(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
		if p.ZeroYIAddr && req.MessageType() == dhcpv4.MessageTypeDiscover && Requested(req) {
			resp, err := p.Offer(req)
			if err == nil {
				_, _ = conn.WriteTo(resp.ToBytes(), peer)
			}
			return
		}
		if next != nil {
			next(&policyConn{PacketConn: conn, p: p, req: req}, peer, req)
		}
	}, nil
}

// policyConn applies the policy to every reply written through it.
type policyConn struct {
	net.PacketConn
	p   Policy
	req *dhcpv4.DHCPv4
}

func (c *policyConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	resp, err := dhcpv4.FromBytes(b)
	if err != nil {
		// Not a DHCPv4 message: nothing to apply.
		return c.PacketConn.WriteTo(b, addr)
	}
	c.p.Apply(c.req, resp)
	if _, err := c.PacketConn.WriteTo(resp.ToBytes(), addr); err != nil {
		return 0, err
	}
	return len(b), nil
}

// isNak reads option 53 in place: MessageType() allocates a reader.
func isNak(m *dhcpv4.DHCPv4) bool {
	t := m.Options.Get(dhcpv4.OptionDHCPMessageType)
	return len(t) == 1 && dhcpv4.MessageType(t[0]) == dhcpv4.MessageTypeNak
}
