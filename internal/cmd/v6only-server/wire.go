package v6onlyserver

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// The fast path reads a client message in place and appends its reply to
// a reused buffer, allocating nothing; it sends byte for byte what the
// general path sends (insomniacslk/dhcp's parser and NewReplyFromRequest,
// wrapped by dhcpv4opt108.Handler). It takes only the plain case — a
// BOOTREQUEST DISCOVER or REQUEST with a hardware address of at most 16
// bytes whose options each appear once, with a value (Rapid Commit may be
// empty), before an End option — and leaves every other message to the
// general path, so the answer never depends on the path that read it.
// TestFastPathMatchesGeneral and FuzzFastPath hold the two together.

const (
	optionsStart = 240 // the BOOTP header and the magic cookie
	bootpMinLen  = 300 // RFC 951's message length, which replies are padded to
)

var magicCookie = [4]byte{99, 130, 83, 99}

// wireRequest is a client message read in place; its slices alias the
// datagram.
type wireRequest struct {
	b                                         []byte
	mt                                        dhcpv4.MessageType
	prl, reqIP, serverID, clientID, agentInfo []byte
	rapidCommit, autoConfigure                bool
}

// parse reads b; false leaves the message to the general path.
func (r *wireRequest) parse(b []byte) bool {
	*r = wireRequest{b: b}
	if len(b) < optionsStart || b[0] != byte(dhcpv4.OpcodeBootRequest) || b[2] == 0 || b[2] > 16 || [4]byte(b[236:240]) != magicCookie {
		return false
	}
	var seen [4]uint64
	for i := optionsStart; ; {
		if i >= len(b) {
			return false // no End option
		}
		code := b[i]
		if code == byte(dhcpv4.OptionPad) {
			i++
			continue
		}
		if code == byte(dhcpv4.OptionEnd) {
			break
		}
		if i+2 > len(b) {
			return false
		}
		n := int(b[i+1])
		if i+2+n > len(b) || n == 0 && code != byte(dhcpv4.OptionRapidCommit) || seen[code/64]&(1<<(code%64)) != 0 {
			return false
		}
		seen[code/64] |= 1 << (code % 64)
		v := b[i+2 : i+2+n]
		switch code {
		case byte(dhcpv4.OptionDHCPMessageType):
			if n != 1 {
				return false
			}
			r.mt = dhcpv4.MessageType(v[0])
		case byte(dhcpv4.OptionParameterRequestList):
			r.prl = v
		case byte(dhcpv4.OptionRequestedIPAddress):
			if n != 4 {
				return false
			}
			r.reqIP = v
		case byte(dhcpv4.OptionServerIdentifier):
			if n != 4 {
				return false
			}
			r.serverID = v
		case byte(dhcpv4.OptionClientIdentifier):
			r.clientID = v
		case byte(dhcpv4.OptionRelayAgentInformation):
			r.agentInfo = v
		case byte(dhcpv4.OptionRapidCommit):
			r.rapidCommit = true
		case byte(dhcpv4.OptionAutoConfigure):
			r.autoConfigure = true
		}
		i += 2 + n
	}
	return r.mt == dhcpv4.MessageTypeDiscover || r.mt == dhcpv4.MessageTypeRequest
}

// chaddr returns the client's hardware address, hlen bytes.
func (r *wireRequest) chaddr() []byte { return r.b[28 : 28+int(r.b[2])] }

// verdict is the option 108 policy's decision for r.
func (r *wireRequest) verdict(p dhcpv4opt108.Policy) dhcpv4opt108.Verdict {
	return p.DecideFor(r.mt, bytes.IndexByte(r.prl, dhcpv4opt108.Code) >= 0, r.rapidCommit, r.autoConfigure)
}

// appendMAC appends hw as net.HardwareAddr.String writes it.
func appendMAC(b, hw []byte) []byte {
	const hex = "0123456789abcdef"
	for i, c := range hw {
		if i > 0 {
			b = append(b, ':')
		}
		b = append(b, hex[c>>4], hex[c&0xf])
	}
	return b
}

// sending says when answer's reply goes out.
type sending uint8

const (
	sendNone        sending = iota // no reply
	sendNow                        // send it
	sendWhenDurable                // an ACK: send it once its lease is on disk
)

// answer decides the reply to r, as server.handle does, and appends it to
// out; an ACK's lease is returned with it, for the lease file. mac is
// scratch space for the client's MAC as text.
func (s *server) answer(out []byte, r *wireRequest, mac []byte, t time.Time) ([]byte, sending, lease) {
	v := r.verdict(s.policy)
	if v.ZeroYIAddr {
		// A capable client's DISCOVER under -zero-yiaddr: nothing is
		// allocated (dhcpv4opt108.Policy.Offer).
		return s.c.appendReply(out, r, dhcpv4.MessageTypeOffer, netip.Addr{}, v), sendNow, lease{}
	}
	mac = appendMAC(mac[:0], r.chaddr())
	switch r.mt {
	case dhcpv4.MessageTypeDiscover:
		a, ok := s.pool.reserve(mac, offerHold, t)
		if !ok {
			return out, sendNone, lease{} // pool exhausted: stay silent, as RFC 2131 allows
		}
		return s.c.appendReply(out, r, dhcpv4.MessageTypeOffer, a, v), sendNow, lease{}
	case dhcpv4.MessageTypeRequest:
		if r.serverID != nil && [4]byte(r.serverID) != s.c.serverID.As4() {
			s.release(mac) // the client chose another server
			return out, sendNone, lease{}
		}
		want := r.reqIP
		if want == nil || [4]byte(want) == [4]byte{} {
			want = r.b[12:16] // ciaddr
		}
		// lease fails when another worker released mac's address between
		// the two steps (a RELEASE or DECLINE racing this REQUEST): a NAK,
		// never an ACK of nothing, which would also write a record the
		// next start refuses.
		if a, ok := s.pool.reserve(mac, offerHold, t); ok && netip.AddrFrom4([4]byte(want)) == a {
			l, ok := s.pool.lease(mac, a, s.c.leaseTime, t)
			if !ok {
				return s.c.appendReply(out, r, dhcpv4.MessageTypeNak, netip.Addr{}, v), sendNow, lease{}
			}
			when := sendNow
			if s.leases != nil {
				when = sendWhenDurable
			}
			return s.c.appendReply(out, r, dhcpv4.MessageTypeAck, a, v), when, l
		}
		return s.c.appendReply(out, r, dhcpv4.MessageTypeNak, netip.Addr{}, v), sendNow, lease{}
	}
	return out, sendNone, lease{}
}

// appendReply appends the reply of type mt to r: the fields
// NewReplyFromRequest copies (htype, hlen, xid, flags, giaddr, chaddr,
// options 61 and 82), the configuration's options in the library's order
// (ascending codes, 82 last), option 108 as the verdict says (never in a
// NAK), and the padding to 300 bytes. A verdict with ZeroYIAddr makes the
// OFFER Policy.Offer builds: yiaddr 0.0.0.0, no configuration, 116
// DoNotAutoConfigure when the client sent 116.
func (c *config) appendReply(out []byte, r *wireRequest, mt dhcpv4.MessageType, yiaddr netip.Addr, v dhcpv4opt108.Verdict) []byte {
	b := r.b
	out = append(out[:0], byte(dhcpv4.OpcodeBootReply), b[1], b[2], 0)
	out = append(out, b[4:8]...)          // xid
	out = append(out, 0, 0, b[10], b[11]) // secs, flags
	out = append(out, 0, 0, 0, 0)         // ciaddr
	nak := mt == dhcpv4.MessageTypeNak
	full := !nak && !v.ZeroYIAddr // a reply with the configuration
	var yi, si [4]byte
	if full {
		yi = yiaddr.As4()
	}
	if !nak {
		si = c.serverID.As4()
	}
	out = append(out, yi[:]...)
	out = append(out, si[:]...)
	out = append(out, b[24:28]...) // giaddr
	n := len(out)
	out = append(out, make([]byte, 16+64+128)...) // chaddr, sname, file
	copy(out[n:], r.chaddr())
	out = append(out, magicCookie[:]...)

	sid := c.serverID.As4()
	if full {
		mask := uint32(0xffffffff) << (32 - c.subnet.Bits())
		out = append(out, byte(dhcpv4.OptionSubnetMask), 4)
		out = binary.BigEndian.AppendUint32(out, mask)
		if c.router.IsValid() {
			a := c.router.As4()
			out = append(out, byte(dhcpv4.OptionRouter), 4)
			out = append(out, a[:]...)
		}
		if len(c.dns) > 0 {
			out = append(out, byte(dhcpv4.OptionDomainNameServer), byte(4*len(c.dns)))
			for _, d := range c.dns {
				a := d.As4()
				out = append(out, a[:]...)
			}
		}
		out = append(out, byte(dhcpv4.OptionIPAddressLeaseTime), 4)
		out = binary.BigEndian.AppendUint32(out, uint32(c.leaseTime/time.Second))
	}
	out = append(out, byte(dhcpv4.OptionDHCPMessageType), 1, byte(mt))
	out = append(out, byte(dhcpv4.OptionServerIdentifier), 4)
	out = append(out, sid[:]...)
	if r.clientID != nil {
		out = append(out, byte(dhcpv4.OptionClientIdentifier), byte(len(r.clientID)))
		out = append(out, r.clientID...)
	}
	if v.V6Only && !nak {
		out = append(out, dhcpv4opt108.Code, dhcpv4opt108.Length)
		out, _ = v.Option.AppendBinary(out)
	}
	if v.ZeroYIAddr && v.AutoConfigure {
		out = append(out, byte(dhcpv4.OptionAutoConfigure), 1, byte(dhcpv4.DoNotAutoConfigure))
	}
	if r.agentInfo != nil {
		out = append(out, byte(dhcpv4.OptionRelayAgentInformation), byte(len(r.agentInfo)))
		out = append(out, r.agentInfo...)
	}
	out = append(out, byte(dhcpv4.OptionEnd))
	for len(out) < bootpMinLen {
		out = append(out, byte(dhcpv4.OptionPad))
	}
	return out
}
