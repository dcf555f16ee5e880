package nat64

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net"
	"net/netip"
	"strings"
	"time"
)

// DefaultTryTimeout is how long Resolver waits for one answer over UDP
// before it asks again.
const DefaultTryTimeout = time.Second

// Resolver asks one DNS server, as a stub resolver does: recursive queries
// over UDP, again over TCP when the answer is truncated.
type Resolver struct {
	// Server is the DNS server: the RDNSS of the router advertisement on
	// an IPv6-only link. Port 0 means 53; a link-local address needs its
	// zone as an interface index.
	Server netip.AddrPort
	// TryTimeout bounds each UDP try (0 means DefaultTryTimeout); Lookup
	// tries until its context ends.
	TryTimeout time.Duration
	// Rand is the source of query IDs; nil means crypto/rand.
	Rand io.Reader
}

func (r *Resolver) server() netip.AddrPort {
	if r.Server.Port() == 0 {
		return netip.AddrPortFrom(r.Server.Addr(), 53)
	}
	return r.Server
}

// Lookup asks the server for name's records of type typ (TypeA or
// TypeAAAA) and returns its answer once the ID and question match. A
// non-existent name or an empty answer is an Answer, not an error; other
// RCODEs fail with ErrDNS. Without a deadline in ctx, Lookup gives up after
// 5 s.
func (r *Resolver) Lookup(ctx context.Context, name string, typ uint16) (Answer, error) {
	if !r.Server.Addr().IsValid() {
		return Answer{}, errors.New("nat64: lookup: no DNS server given")
	}
	if typ != TypeA && typ != TypeAAAA {
		return Answer{}, fmt.Errorf("nat64: lookup: type %d: want A (1) or AAAA (28)", typ)
	}
	if !strings.HasSuffix(name, ".") {
		name += "."
	}
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	rnd := r.Rand
	if rnd == nil {
		rnd = rand.Reader
	}
	var idb [2]byte
	if _, err := io.ReadFull(rnd, idb[:]); err != nil {
		return Answer{}, fmt.Errorf("nat64: lookup: query id: %w", err)
	}
	id := binary.BigEndian.Uint16(idb[:])
	q, err := appendQuery(make([]byte, 0, 64), id, name, typ)
	if err != nil {
		return Answer{}, err
	}
	a, err := r.udp(ctx, q, id, name, typ)
	if err == nil && a.Truncated {
		a, err = r.tcp(ctx, q, id, name, typ)
	}
	if err != nil {
		return Answer{}, fmt.Errorf("nat64: %s %s from %s: %w", typeName(typ), name, r.server(), err)
	}
	if a.RCode != RCodeSuccess && a.RCode != RCodeNXDomain {
		return a, fmt.Errorf("%w: %s %s from %s: rcode %d", ErrDNS, typeName(typ), name, r.server(), a.RCode)
	}
	return a, nil
}

func typeName(typ uint16) string {
	if typ == TypeA {
		return "A"
	}
	return "AAAA"
}

// matches reports whether a answers query id for name and typ.
func matches(a Answer, id uint16, name string, typ uint16) bool {
	return a.ID == id && a.Type == typ && strings.EqualFold(a.Name, name)
}

func (r *Resolver) udp(ctx context.Context, q []byte, id uint16, name string, typ uint16) (Answer, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "udp", r.server().String())
	if err != nil {
		return Answer{}, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	try := r.TryTimeout
	if try <= 0 {
		try = DefaultTryTimeout
	}
	buf := make([]byte, 4096)
	for {
		if _, err := c.Write(q); err != nil && ctx.Err() == nil {
			return Answer{}, err
		}
		_ = c.SetReadDeadline(time.Now().Add(try))
		for {
			n, err := c.Read(buf)
			if ctx.Err() != nil {
				return Answer{}, ctx.Err()
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				break // ask again
			}
			if err != nil {
				return Answer{}, err // ICMP port unreachable: nobody serves DNS there
			}
			a, err := ParseAnswer(buf[:n])
			if err != nil || !matches(a, id, name, typ) {
				continue // a stray or forged datagram: keep waiting
			}
			return a, nil
		}
	}
}

func (r *Resolver) tcp(ctx context.Context, q []byte, id uint16, name string, typ uint16) (Answer, error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", r.server().String())
	if err != nil {
		return Answer{}, err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { _ = c.SetDeadline(time.Now()) })
	defer stop()
	msg := binary.BigEndian.AppendUint16(make([]byte, 0, 2+len(q)), uint16(len(q)))
	if _, err := c.Write(append(msg, q...)); err != nil {
		return Answer{}, err
	}
	var l [2]byte
	if _, err := io.ReadFull(c, l[:]); err != nil {
		return Answer{}, err
	}
	buf := make([]byte, binary.BigEndian.Uint16(l[:]))
	if _, err := io.ReadFull(c, buf); err != nil {
		return Answer{}, err
	}
	a, err := ParseAnswer(buf)
	if err != nil {
		return Answer{}, err
	}
	if !matches(a, id, name, typ) {
		return Answer{}, fmt.Errorf("%w: the answer over TCP is for another query", ErrDNS)
	}
	return a, nil
}

// Discovery is the outcome of RFC 7050 discovery through one server.
type Discovery struct {
	Server netip.AddrPort
	// AAAA are the AAAA records of WellKnownName, as answered.
	AAAA []netip.Addr
	// Prefixes are the NAT64 prefixes found in them (see PrefixesFrom).
	Prefixes []netip.Prefix
	// TTL is how long the prefixes may be used before asking again.
	TTL time.Duration
	// Received is when the answer arrived.
	Received time.Time
}

// Discover runs RFC 7050 discovery: it asks the server for the AAAA
// records of WellKnownName and finds the prefixes in them with
// PrefixesFrom. The returned Discovery holds the records even when the
// error says they carry no usable prefix (ErrNoDNS64, ErrNoWellKnown,
// ErrInconsistent).
func (r *Resolver) Discover(ctx context.Context) (Discovery, error) {
	d := Discovery{Server: r.server()}
	a, err := r.Lookup(ctx, WellKnownName, TypeAAAA)
	if err != nil {
		return d, err
	}
	d.AAAA, d.TTL, d.Received = a.Addrs, a.TTL, time.Now()
	d.Prefixes, err = PrefixesFrom(a.Addrs)
	if err != nil {
		return d, fmt.Errorf("%w (asked %s)", err, d.Server)
	}
	return d, nil
}
