package slaac

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"time"
)

func (m *TempManager) desyncFactor() (time.Duration, error) {
	p := m.cfg.Profile
	max := min(p.MaxDesyncFactor, p.PreferredLifetime-p.RegenAdvance)
	if p.DesyncPerInterface && m.haveDesy && m.desync < max {
		return m.desync, nil
	}
	var d time.Duration
	if secs := uint64(max / time.Second); secs > 0 {
		var b [8]byte
		if _, err := io.ReadFull(m.cfg.Rand, b[:]); err != nil {
			return 0, fmt.Errorf("slaac: reading randomness: %w", err)
		}
		d = time.Duration(binary.BigEndian.Uint64(b[:])%secs) * time.Second
	}
	m.desync, m.haveDesy = d, true
	return d, nil
}

// create forms a temporary address for prefix at time t (RFC 8981 section
// 3.4 steps 3 to 6), if its preferred lifetime would exceed REGEN_ADVANCE.
func (m *TempManager) create(prefix netip.Prefix, t time.Time, dadCounter int) ([]TempEvent, error) {
	i := slices.IndexFunc(m.prefixes, func(tp tempPrefix) bool { return tp.prefix == prefix })
	if i < 0 {
		return nil, nil
	}
	tp := m.prefixes[i]
	p := m.cfg.Profile
	desync, err := m.desyncFactor()
	if err != nil {
		return nil, err
	}
	validUntil := minTime(tp.validUntil, t.Add(p.ValidLifetime))
	preferredUntil := minTime(tp.preferredUntil, t.Add(p.PreferredLifetime-desync), validUntil)
	if preferredUntil.Sub(t) <= p.RegenAdvance {
		return nil, nil
	}
	for tries := 0; ; tries++ {
		if tries > 64 {
			return nil, fmt.Errorf("slaac: no usable random identifier after %d tries", tries)
		}
		iid, err := m.tempIID(prefix, t, dadCounter+tries)
		if err != nil {
			return nil, err
		}
		if iid.Reserved() {
			continue
		}
		a, _ := Addr(prefix, iid)
		if slices.ContainsFunc(m.addrs, func(x TempAddr) bool { return x.Addr == a }) {
			continue
		}
		ta := TempAddr{
			Addr: a, Prefix: prefix, Created: t,
			PreferredUntil: preferredUntil, ValidUntil: validUntil,
			Desync: desync, DADCounter: dadCounter,
		}
		m.addrs = append(m.addrs, ta)
		return []TempEvent{{Kind: TempCreated, Time: t, TempAddr: ta}}, nil
	}
}

func (m *TempManager) tempIID(prefix netip.Prefix, t time.Time, counter int) (IID, error) {
	var iid IID
	if m.cfg.HashSecret == nil {
		if _, err := io.ReadFull(m.cfg.Rand, iid[:]); err != nil {
			return iid, fmt.Errorf("slaac: reading randomness: %w", err)
		}
		return iid, nil
	}
	pa := prefix.Addr().As16()
	b := append(pa[:8:8], m.cfg.NetIface...)
	b = binary.BigEndian.AppendUint64(b, uint64(t.UnixNano()))
	b = append(b, byte(counter))
	b = append(b, m.cfg.HashSecret...)
	s := sha256.Sum256(b)
	copy(iid[:], s[:8])
	return iid, nil
}

func minTime(t time.Time, ts ...time.Time) time.Time {
	for _, u := range ts {
		if u.Before(t) {
			t = u
		}
	}
	return t
}
