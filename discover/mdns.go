package discover

import (
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"golang.org/x/net/dns/dnsmessage"
)

// mDNS (RFC 6762) names: a host that runs a responder (avahi, Apple's
// mDNSResponder, systemd-resolved) answers a reverse (PTR) question for
// each of its addresses with its name, "pi.local.". Names sends such
// questions as a one-shot query (RFC 6762, Section 5.1) from an ordinary
// port, so responders answer by unicast straight to the asker.

// MDNSGroup and MDNSPort are where mDNS queries go (RFC 6762, Section 3).
var MDNSGroup = netip.MustParseAddr("ff02::fb")

const MDNSPort = 5353

// ReverseName returns the reverse-mapping name of an address (RFC 3596
// for IPv6, "….ip6.arpa."; RFC 1035 for IPv4, "….in-addr.arpa.").
func ReverseName(a netip.Addr) string {
	a = a.Unmap().WithZone("")
	var b strings.Builder
	if a.Is4() {
		v := a.As4()
		fmt.Fprintf(&b, "%d.%d.%d.%d.in-addr.arpa.", v[3], v[2], v[1], v[0])
		return b.String()
	}
	const hex = "0123456789abcdef"
	v := a.As16()
	for i := 15; i >= 0; i-- {
		b.WriteByte(hex[v[i]&0xf])
		b.WriteByte('.')
		b.WriteByte(hex[v[i]>>4])
		b.WriteByte('.')
	}
	b.WriteString("ip6.arpa.")
	return b.String()
}

// parseReverseName is ReverseName backwards; ok is false for any other name.
func parseReverseName(name string) (netip.Addr, bool) {
	name = strings.ToLower(name)
	rest, ok := strings.CutSuffix(name, ".ip6.arpa.")
	if !ok || len(rest) != 63 {
		return netip.Addr{}, false
	}
	var v [16]byte
	for i := 0; i < 32; i++ {
		c := rest[2*i]
		if i < 31 && rest[2*i+1] != '.' {
			return netip.Addr{}, false
		}
		var n byte
		switch {
		case c >= '0' && c <= '9':
			n = c - '0'
		case c >= 'a' && c <= 'f':
			n = c - 'a' + 10
		default:
			return netip.Addr{}, false
		}
		// Nibble i counts from the least significant end.
		byteIdx := 15 - i/2
		if i%2 == 0 {
			v[byteIdx] |= n
		} else {
			v[byteIdx] |= n << 4
		}
	}
	return netip.AddrFrom16(v), true
}

// AppendReverseQuery appends a DNS query with one PTR question for each
// address's reverse name, with the given ID (a one-shot query echoes it).
func AppendReverseQuery(b []byte, id uint16, addrs []netip.Addr) ([]byte, error) {
	bld := dnsmessage.NewBuilder(b, dnsmessage.Header{ID: id})
	bld.EnableCompression()
	if err := bld.StartQuestions(); err != nil {
		return b, fmt.Errorf("discover: mdns query: %w", err)
	}
	for _, a := range addrs {
		n, err := dnsmessage.NewName(ReverseName(a))
		if err != nil {
			return b, fmt.Errorf("discover: mdns query: %w", err)
		}
		if err := bld.Question(dnsmessage.Question{Name: n, Type: dnsmessage.TypePTR, Class: dnsmessage.ClassINET}); err != nil {
			return b, fmt.Errorf("discover: mdns query: %w", err)
		}
	}
	out, err := bld.Finish()
	if err != nil {
		return b, fmt.Errorf("discover: mdns query: %w", err)
	}
	return out, nil
}

// ParseReverseAnswers returns the names a DNS response gives for reverse
// (PTR) names of addresses, in answers and additional records (responders
// put some there), as address → name without the final dot ("pi.local").
// A message that is not a response returns a *ParseError wrapping
// ErrNotResponse, one that does not parse wraps ErrMalformed; other records
// are skipped.
func ParseReverseAnswers(b []byte) (map[netip.Addr]string, error) {
	malformed := func(err error) error {
		return &ParseError{Type: "mdns response", Err: fmt.Errorf("%w: %w", ErrMalformed, err)}
	}
	var p dnsmessage.Parser
	h, err := p.Start(b)
	if err != nil {
		return nil, malformed(err)
	}
	if !h.Response {
		return nil, &ParseError{Type: "mdns response", Offset: 2, Err: ErrNotResponse}
	}
	if err := p.SkipAllQuestions(); err != nil {
		return nil, malformed(err)
	}
	names := map[netip.Addr]string{}
	collect := func(next func() (dnsmessage.ResourceHeader, error), skip func() error) error {
		for {
			rh, err := next()
			if errors.Is(err, dnsmessage.ErrSectionDone) {
				return nil
			}
			if err != nil {
				return err
			}
			a, ok := parseReverseName(rh.Name.String())
			if !ok || rh.Type != dnsmessage.TypePTR {
				if err := skip(); err != nil {
					return err
				}
				continue
			}
			ptr, err := p.PTRResource()
			if err != nil {
				return err
			}
			names[a] = strings.TrimSuffix(ptr.PTR.String(), ".")
		}
	}
	if err := collect(p.AnswerHeader, p.SkipAnswer); err != nil {
		return nil, malformed(err)
	}
	if err := p.SkipAllAuthorities(); err != nil {
		return nil, malformed(err)
	}
	if err := collect(p.AdditionalHeader, p.SkipAdditional); err != nil {
		return nil, malformed(err)
	}
	return names, nil
}
