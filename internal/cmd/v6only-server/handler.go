package v6onlyserver

import (
	"net"
	"net/netip"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// server answers DHCPv4 messages from the pool; every reply is built from
// the validated config.
type server struct {
	c      *config
	policy dhcpv4opt108.Policy
	pool   *pool
	leases *leaseFile
	// fail ends Run: a lease that cannot be made durable is never ACKed.
	fail func(error)
}

func (s *server) handle(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
	if req.OpCode != dhcpv4.OpcodeBootRequest || len(req.ClientHWAddr) == 0 {
		// Without a hardware address (hlen 0) clients cannot be told apart:
		// leases are kept by chaddr, so every such client would share one.
		return
	}
	now := time.Now()
	mac := []byte(req.ClientHWAddr.String())
	var mt dhcpv4.MessageType
	var yiaddr netip.Addr
	switch req.MessageType() {
	case dhcpv4.MessageTypeDiscover:
		a, ok := s.pool.reserve(mac, offerHold, now)
		if !ok {
			return // pool exhausted: stay silent, as RFC 2131 allows
		}
		mt, yiaddr = dhcpv4.MessageTypeOffer, a
	case dhcpv4.MessageTypeRequest:
		if sid := req.ServerIdentifier(); sid != nil && !sid.Equal(s.c.serverID.AsSlice()) {
			s.release(mac) // the client chose another server
			return
		}
		want := req.RequestedIPAddress()
		if want == nil || want.IsUnspecified() {
			want = req.ClientIPAddr
		}
		w, _ := netip.AddrFromSlice(want.To4())
		mt = dhcpv4.MessageTypeNak
		if a, ok := s.pool.reserve(mac, offerHold, now); ok && w == a {
			l, ok := s.pool.lease(mac, a, s.c.leaseTime, now)
			if !ok {
				break // released by a racing message since reserve: NAK (see answer)
			}
			if err := s.leases.commit(l); err != nil {
				s.fail(err)
				return
			}
			mt, yiaddr = dhcpv4.MessageTypeAck, a
		}
	case dhcpv4.MessageTypeRelease:
		s.release(mac)
		return
	case dhcpv4.MessageTypeDecline:
		s.pool.decline(mac, s.c.leaseTime, now)
		return
	default:
		return
	}
	resp, err := s.c.reply(req, mt, yiaddr)
	if err != nil {
		return
	}
	_, _ = conn.WriteTo(resp.ToBytes(), peer)
}

func (s *server) release(mac []byte) {
	if a, leased := s.pool.release(mac); leased {
		if err := s.leases.release(string(mac), a, s.fail); err != nil {
			s.fail(err)
		}
	}
}

// reply builds an OFFER, ACK or NAK to req from the configuration alone
// (option 108 is added by the policy around the handler). A NAK carries
// only its type and the server identifier (RFC 2131, Table 3).
func (c *config) reply(req *dhcpv4.DHCPv4, mt dhcpv4.MessageType, yiaddr netip.Addr) (*dhcpv4.DHCPv4, error) {
	mods := []dhcpv4.Modifier{
		dhcpv4.WithMessageType(mt),
		dhcpv4.WithOption(dhcpv4.OptServerIdentifier(c.serverID.AsSlice())),
	}
	if mt != dhcpv4.MessageTypeNak {
		mods = append(mods,
			dhcpv4.WithServerIP(c.serverID.AsSlice()),
			dhcpv4.WithYourIP(yiaddr.AsSlice()),
			dhcpv4.WithNetmask(net.CIDRMask(c.subnet.Bits(), 32)),
			dhcpv4.WithLeaseTime(uint32(c.leaseTime/time.Second)),
		)
		if c.router.IsValid() {
			mods = append(mods, dhcpv4.WithRouter(c.router.AsSlice()))
		}
		if len(c.dns) > 0 {
			ips := make([]net.IP, len(c.dns))
			for i, a := range c.dns {
				ips[i] = a.AsSlice()
			}
			mods = append(mods, dhcpv4.WithDNS(ips...))
		}
	}
	return dhcpv4.NewReplyFromRequest(req, mods...)
}
