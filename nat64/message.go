package nat64

import (
	"encoding"
	"errors"
	"fmt"
	"net/netip"
	"strings"
	"time"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS record types the package asks for.
const (
	TypeA    = uint16(dnsmessage.TypeA)
	TypeAAAA = uint16(dnsmessage.TypeAAAA)
)

// DNS response codes a caller may meet in Answer.RCode.
const (
	RCodeSuccess  = int(dnsmessage.RCodeSuccess)
	RCodeNXDomain = int(dnsmessage.RCodeNameError)
)

// Answer is a DNS response to one A or AAAA question: what a DNS64 said.
type Answer struct {
	ID        uint16
	Name      string // the question's name, with the trailing dot
	Type      uint16 // the question's type, TypeA or TypeAAAA
	RCode     int    // RCodeSuccess, RCodeNXDomain, …
	Truncated bool   // TC: ask again over TCP
	// Addrs are the records of the question's type in the answer section,
	// in order; a CNAME chain before them is followed implicitly.
	Addrs []netip.Addr
	// TTL is the smallest TTL of Addrs: how long the answer, and a prefix
	// discovered from it, may be used (RFC 7050, Section 3).
	TTL time.Duration
}

var _ encoding.BinaryAppender = (*Answer)(nil)

// ParseAnswer decodes a DNS response with one A or AAAA question. Records of
// other types (CNAME, RRSIG) are skipped; errors are *ParseError.
func ParseAnswer(b []byte) (Answer, error) {
	var p dnsmessage.Parser
	h, err := p.Start(b)
	if err != nil {
		return Answer{}, &ParseError{Type: "dns response", Err: err}
	}
	if !h.Response {
		return Answer{}, &ParseError{Type: "dns response", Offset: 2, Err: errors.New("QR bit clear: a query, not a response")}
	}
	q, err := p.Question()
	if err != nil {
		return Answer{}, &ParseError{Type: "dns question", Offset: 12, Err: err}
	}
	if q.Type != dnsmessage.TypeA && q.Type != dnsmessage.TypeAAAA {
		return Answer{}, &ParseError{Type: "dns question", Offset: 12, Err: fmt.Errorf("type %v, want A or AAAA", q.Type)}
	}
	if err := p.SkipAllQuestions(); err != nil {
		return Answer{}, &ParseError{Type: "dns question", Offset: 12, Err: err}
	}
	a := Answer{ID: h.ID, Name: strings.ToLower(q.Name.String()), Type: uint16(q.Type), RCode: int(h.RCode), Truncated: h.Truncated}
	for {
		rh, err := p.AnswerHeader()
		if errors.Is(err, dnsmessage.ErrSectionDone) {
			break
		}
		if err != nil {
			return Answer{}, &ParseError{Type: "dns answer", Err: err}
		}
		var addr netip.Addr
		switch {
		case rh.Type == q.Type && rh.Type == dnsmessage.TypeA:
			r, err := p.AResource()
			if err != nil {
				return Answer{}, &ParseError{Type: "dns A record", Err: err}
			}
			addr = netip.AddrFrom4(r.A)
		case rh.Type == q.Type && rh.Type == dnsmessage.TypeAAAA:
			r, err := p.AAAAResource()
			if err != nil {
				return Answer{}, &ParseError{Type: "dns AAAA record", Err: err}
			}
			addr = netip.AddrFrom16(r.AAAA)
		default:
			if err := p.SkipAnswer(); err != nil {
				return Answer{}, &ParseError{Type: "dns answer", Err: err}
			}
			continue
		}
		ttl := time.Duration(rh.TTL) * time.Second
		if len(a.Addrs) == 0 || ttl < a.TTL {
			a.TTL = ttl
		}
		a.Addrs = append(a.Addrs, addr)
	}
	return a, nil
}

// AppendBinary appends a as a DNS response: the question, then one record
// per address, all with TTL. A test's fake DNS64 answers with it.
func (a *Answer) AppendBinary(b []byte) ([]byte, error) {
	name, err := dnsmessage.NewName(a.Name)
	if err != nil {
		return b, fmt.Errorf("nat64: answer name %q: %w", a.Name, err)
	}
	t := dnsmessage.Type(a.Type)
	if t != dnsmessage.TypeA && t != dnsmessage.TypeAAAA {
		return b, fmt.Errorf("nat64: answer type %d: want A (1) or AAAA (28)", a.Type)
	}
	if a.RCode < 0 || a.RCode > 15 {
		return b, fmt.Errorf("nat64: rcode %d out of range", a.RCode)
	}
	bld := dnsmessage.NewBuilder(b, dnsmessage.Header{ID: a.ID, Response: true, RecursionDesired: true, RecursionAvailable: true,
		Truncated: a.Truncated, RCode: dnsmessage.RCode(a.RCode)})
	bld.EnableCompression()
	if err := bld.StartQuestions(); err != nil {
		return b, err
	}
	if err := bld.Question(dnsmessage.Question{Name: name, Type: t, Class: dnsmessage.ClassINET}); err != nil {
		return b, err
	}
	if err := bld.StartAnswers(); err != nil {
		return b, err
	}
	ttl := uint32(a.TTL / time.Second)
	for _, addr := range a.Addrs {
		h := dnsmessage.ResourceHeader{Name: name, Class: dnsmessage.ClassINET, TTL: ttl}
		switch {
		case t == dnsmessage.TypeA && addr.Is4():
			err = bld.AResource(h, dnsmessage.AResource{A: addr.As4()})
		case t == dnsmessage.TypeAAAA && addr.Is6():
			err = bld.AAAAResource(h, dnsmessage.AAAAResource{AAAA: addr.As16()})
		default:
			err = fmt.Errorf("nat64: address %s does not fit a %v record", addr, t)
		}
		if err != nil {
			return b, err
		}
	}
	return bld.Finish()
}

// MarshalBinary returns a as a DNS response; see AppendBinary.
func (a *Answer) MarshalBinary() ([]byte, error) { return a.AppendBinary(make([]byte, 0, 512)) }

// appendQuery appends a recursive query for name and type with id, as a
// stub resolver sends it (RD set, CD clear as RFC 7050 Section 3 asks).
func appendQuery(b []byte, id uint16, name string, typ uint16) ([]byte, error) {
	n, err := dnsmessage.NewName(name)
	if err != nil {
		return b, fmt.Errorf("nat64: name %q: %w", name, err)
	}
	bld := dnsmessage.NewBuilder(b, dnsmessage.Header{ID: id, RecursionDesired: true})
	if err := bld.StartQuestions(); err != nil {
		return b, err
	}
	if err := bld.Question(dnsmessage.Question{Name: n, Type: dnsmessage.Type(typ), Class: dnsmessage.ClassINET}); err != nil {
		return b, err
	}
	return bld.Finish()
}
