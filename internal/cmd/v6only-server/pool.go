package v6onlyserver

import (
	"encoding/binary"
	"iter"
	"net/netip"
	"slices"
	"sync"
	"time"
)

// offerHold is how long an offered address stays reserved for a client
// that has not requested it yet.
const offerHold = time.Minute

// pool is the in-memory allocator, one address per client MAC; a pure
// core: every call is given the time. An offer reserves its address for
// offerHold, a lease for the lease time; expired reservations are taken
// back when an address is needed, so memory stays bounded by the pool's
// size.
//
// It is laid out for memory: a slot of 32 bytes per address, in chunks of
// 256 made when an address in them is first handed out (so a /8 pool with
// a few clients costs a few chunks), and a map from MAC to the address's
// offset, whose key is the only allocation a new client costs; the slot
// shares that string. Lookups take the MAC as bytes, so a known client
// costs no allocation.
type pool struct {
	first, last netip.Addr
	base        uint32 // first, as a number
	size        uint64 // addresses in the pool (2^32 for 0.0.0.0-255.255.255.255)
	mu          sync.Mutex
	byMAC       map[string]uint32 // a client's address, as its offset from first
	chunks      map[uint32]*chunk // slots by offset from first, offset/256
	cursor      uint32            // offset of the next address to try
}

type chunk [256]slot

// slot is one address's state.
type slot struct {
	owner   string // the client's MAC; "" when free or declined
	expires int64  // Unix nanoseconds
	state   uint8
}

const (
	free uint8 = iota
	offered
	leased   // acknowledged (and persisted), not only offered
	declined // a client found it in use (RFC 2131, Section 4.3.3)
)

// lease is one acknowledged lease, as the lease file keeps it.
type lease struct {
	mac     string
	addr    netip.Addr
	expires time.Time
}

func newPool(first, last netip.Addr) *pool {
	base := u32(first)
	return &pool{first: first, last: last, base: base, size: uint64(u32(last)-base) + 1, byMAC: map[string]uint32{}, chunks: map[uint32]*chunk{}}
}

func u32(a netip.Addr) uint32 { a4 := a.As4(); return binary.BigEndian.Uint32(a4[:]) }

func (p *pool) addr(off uint32) netip.Addr {
	var a [4]byte
	binary.BigEndian.PutUint32(a[:], p.base+off)
	return netip.AddrFrom4(a)
}

// slot returns the slot of offset off, making its chunk if needed.
func (p *pool) slot(off uint32) *slot {
	c := p.chunks[off/256]
	if c == nil {
		c = new(chunk)
		p.chunks[off/256] = c
	}
	return &c[off%256]
}

// expired reports whether s holds nothing at now, freeing it if its
// reservation ran out.
func (p *pool) expired(s *slot, now int64) bool {
	if s.state != free && s.expires <= now {
		if s.owner != "" {
			delete(p.byMAC, s.owner)
		}
		*s = slot{}
	}
	return s.state == free
}

// reserve returns mac's address, allocating one if needed, and keeps it
// until at least now+hold.
func (p *pool) reserve(mac []byte, hold time.Duration, now time.Time) (netip.Addr, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	until := now.Add(hold).UnixNano()
	if off, ok := p.byMAC[string(mac)]; ok {
		s := p.slot(off)
		s.expires = max(s.expires, until)
		return p.addr(off), true
	}
	off := p.cursor
	for {
		next := off + 1
		if uint64(next) == p.size {
			next = 0
		}
		if s := p.slot(off); p.expired(s, now.UnixNano()) {
			key := string(mac)
			*s = slot{owner: key, expires: until, state: offered}
			p.byMAC[key] = off
			p.cursor = next
			return p.addr(off), true
		}
		if off = next; off == p.cursor {
			return netip.Addr{}, false // exhausted
		}
	}
}

// lease marks mac's reservation of addr acknowledged until now+d and
// returns it; false when mac holds another address or none.
func (p *pool) lease(mac []byte, addr netip.Addr, d time.Duration, now time.Time) (lease, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	off, ok := p.byMAC[string(mac)]
	if !ok || p.addr(off) != addr {
		return lease{}, false
	}
	s := p.slot(off)
	s.expires = max(s.expires, now.Add(d).UnixNano())
	s.state = leased
	return lease{mac: s.owner, addr: addr, expires: time.Unix(0, s.expires)}, true
}

// restore puts a lease read from the lease file back, unless it has
// expired or its address is outside the pool or already taken.
func (p *pool) restore(l lease, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !l.expires.After(now) || l.addr.Less(p.first) || p.last.Less(l.addr) {
		return
	}
	off := u32(l.addr) - p.base
	if s := p.slot(off); s.state != free && s.owner != l.mac {
		return
	}
	if old, ok := p.byMAC[l.mac]; ok {
		*p.slot(old) = slot{}
	}
	*p.slot(off) = slot{owner: l.mac, expires: l.expires.UnixNano(), state: leased}
	p.byMAC[l.mac] = off
}

// release forgets mac's address; it returns what it held.
func (p *pool) release(mac []byte) (netip.Addr, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	off, ok := p.byMAC[string(mac)]
	if !ok {
		return netip.Addr{}, false
	}
	s := p.slot(off)
	wasLeased := s.state == leased
	delete(p.byMAC, s.owner)
	*s = slot{}
	return p.addr(off), wasLeased
}

// decline takes mac's address out of use until now+d: a client found it
// in use by someone else (RFC 2131, Section 4.3.3).
func (p *pool) decline(mac []byte, d time.Duration, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	off, ok := p.byMAC[string(mac)]
	if !ok {
		return
	}
	delete(p.byMAC, string(mac))
	*p.slot(off) = slot{expires: now.Add(d).UnixNano(), state: declined}
}

// leases returns the acknowledged leases that have not expired.
func (p *pool) leases(now time.Time) []lease {
	return slices.Collect(p.each(now))
}

// inUse returns how many addresses are offered, leased or declined.
func (p *pool) inUse() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	n := 0
	for _, c := range p.chunks {
		for i := range c {
			if c[i].state != free {
				n++
			}
		}
	}
	return n
}

// each yields the acknowledged leases that have not expired, holding the
// pool's lock while it runs: no list of them is built.
func (p *pool) each(now time.Time) iter.Seq[lease] {
	return func(yield func(lease) bool) {
		p.mu.Lock()
		defer p.mu.Unlock()
		for ci, c := range p.chunks {
			for i := range c {
				if s := &c[i]; s.state == leased && s.expires > now.UnixNano() {
					if !yield(lease{mac: s.owner, addr: p.addr(ci*256 + uint32(i)), expires: time.Unix(0, s.expires)}) {
						return
					}
				}
			}
		}
	}
}
