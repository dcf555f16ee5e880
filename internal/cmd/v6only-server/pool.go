package v6onlyserver

import (
	"net/netip"
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
type pool struct {
	first, last netip.Addr
	mu          sync.Mutex
	byMAC       map[string]*binding
	inUse       map[netip.Addr]string
	cursor      netip.Addr
}

type binding struct {
	addr    netip.Addr
	expires time.Time
	leased  bool // acknowledged (and persisted), not only offered
}

// lease is one acknowledged lease, as the lease file keeps it.
type lease struct {
	mac     string
	addr    netip.Addr
	expires time.Time
}

func newPool(first, last netip.Addr) *pool {
	return &pool{first: first, last: last, byMAC: map[string]*binding{}, inUse: map[netip.Addr]string{}, cursor: first}
}

// reserve returns mac's address, allocating one if needed, and keeps it
// until at least now+hold.
func (p *pool) reserve(mac string, hold time.Duration, now time.Time) (netip.Addr, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if b, ok := p.byMAC[mac]; ok {
		if e := now.Add(hold); e.After(b.expires) {
			b.expires = e
		}
		return b.addr, true
	}
	a := p.cursor
	for {
		next := a.Next()
		if !next.IsValid() || p.last.Less(next) {
			next = p.first
		}
		owner, used := p.inUse[a]
		if used && !p.byMAC[owner].expires.After(now) {
			delete(p.byMAC, owner) // expired: take it back
			used = false
		}
		if !used {
			p.byMAC[mac] = &binding{addr: a, expires: now.Add(hold)}
			p.inUse[a] = mac
			p.cursor = next
			return a, true
		}
		if a = next; a == p.cursor {
			return netip.Addr{}, false // exhausted
		}
	}
}

// lease marks mac's reservation of addr acknowledged until now+d and
// returns it; false when mac holds another address or none.
func (p *pool) lease(mac string, addr netip.Addr, d time.Duration, now time.Time) (lease, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.byMAC[mac]
	if !ok || b.addr != addr {
		return lease{}, false
	}
	if e := now.Add(d); e.After(b.expires) {
		b.expires = e
	}
	b.leased = true
	return lease{mac: mac, addr: addr, expires: b.expires}, true
}

// restore puts a lease read from the lease file back, unless it has
// expired or its address is outside the pool or already taken.
func (p *pool) restore(l lease, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !l.expires.After(now) || l.addr.Less(p.first) || p.last.Less(l.addr) {
		return
	}
	if owner, ok := p.inUse[l.addr]; ok && owner != l.mac {
		return
	}
	if b, ok := p.byMAC[l.mac]; ok {
		delete(p.inUse, b.addr)
	}
	p.byMAC[l.mac] = &binding{addr: l.addr, expires: l.expires, leased: true}
	p.inUse[l.addr] = l.mac
}

// release forgets mac's address; it returns what it held.
func (p *pool) release(mac string) (netip.Addr, bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.byMAC[mac]
	if !ok {
		return netip.Addr{}, false
	}
	delete(p.byMAC, mac)
	delete(p.inUse, b.addr)
	return b.addr, b.leased
}

// decline takes mac's address out of use until now+d: a client found it
// in use by someone else (RFC 2131, Section 4.3.3).
func (p *pool) decline(mac string, d time.Duration, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	b, ok := p.byMAC[mac]
	if !ok {
		return
	}
	delete(p.byMAC, mac)
	owner := "declined " + b.addr.String()
	p.byMAC[owner] = &binding{addr: b.addr, expires: now.Add(d)}
	p.inUse[b.addr] = owner
}

// leases returns the acknowledged leases that have not expired.
func (p *pool) leases(now time.Time) []lease {
	p.mu.Lock()
	defer p.mu.Unlock()
	ls := make([]lease, 0, len(p.byMAC))
	for mac, b := range p.byMAC {
		if b.leased && b.expires.After(now) {
			ls = append(ls, lease{mac: mac, addr: b.addr, expires: b.expires})
		}
	}
	return ls
}
