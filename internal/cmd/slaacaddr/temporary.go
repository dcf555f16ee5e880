package slaacaddr

import (
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/slaac"
)

// Event is one -json line of the temporary mode. The keys are the
// program's contract (see Help).
type Event struct {
	Time           time.Time `json:"time"`
	Offset         float64   `json:"offset"` // seconds since -start
	Event          string    `json:"event"`
	Address        string    `json:"address"`
	PreferredUntil time.Time `json:"preferred_until"`
	ValidUntil     time.Time `json:"valid_until"`
	Desync         float64   `json:"desync"` // DESYNC_FACTOR, seconds
}

// defaultPreferred is -preferred when it is not given: RFC 8981's
// TEMP_PREFERRED_LIFETIME and Linux's temp_prefered_lft (86400 s), so that
// a run without it forms addresses instead of none (a prefix advertised
// with preferred lifetime 0 is deprecated and gets no temporary address).
const defaultPreferred = 24 * time.Hour

// Bounds of the simulation, so that it ends soon and prints what it
// computes: an RA interval of 1ns would make the run spin for days (RFC
// 4861 routers wait at least MinRtrAdvInterval, 3 s; 1 s leaves room for
// tests), and so would a million RAs.
const (
	minRAInterval = time.Second
	maxRAs        = 1_000_000
)

// -start's range: Unix time's epoch on, and far enough from year 10000
// that every time printed, at most -for (a time.Duration: 292 years) plus
// a valid lifetime (136 years) later, is one JSON can hold; before year 1
// the manager's clock would stop and the run print nothing.
var (
	minStart = time.Date(1970, 1, 1, 0, 0, 0, 0, time.UTC)
	maxStart = time.Date(9000, 1, 1, 0, 0, 0, 0, time.UTC)
)

// checkTemporary validates the flags of -mode temporary and returns the
// profile, the start and the advertised preferred lifetime to simulate.
func checkTemporary(o Options) (slaac.TempProfile, time.Time, time.Duration, error) {
	var profile slaac.TempProfile
	fail := func(format string, args ...any) (slaac.TempProfile, time.Time, time.Duration, error) {
		return profile, time.Time{}, 0, cli.Usagef(format, args...)
	}
	switch o.Profile {
	case "", "rfc8981":
		profile = slaac.RFC8981Profile()
	case "linux":
		profile = slaac.LinuxProfile()
	default:
		return fail("-profile %q is unknown; give rfc8981 or linux", o.Profile)
	}
	preferred := o.Preferred
	if preferred == 0 && !o.HasPreferred {
		preferred = min(defaultPreferred, max(o.Valid, 0))
	}
	switch {
	case o.Valid == 0:
		return fail("-mode temporary needs -valid; give the advertised valid lifetime of the prefix, such as 720h")
	case o.Valid < 0:
		return fail("-valid %v is negative; give the advertised valid lifetime, such as 720h", o.Valid)
	case o.Valid > slaac.InfiniteLifetime:
		return fail("-valid %v is beyond a Prefix Information lifetime; give at most %v (infinity)", o.Valid, slaac.InfiniteLifetime)
	case preferred < 0:
		return fail("-preferred %v is negative; give the advertised preferred lifetime, such as 24h (the default)", preferred)
	case preferred > o.Valid:
		return fail("-preferred %v exceeds -valid %v; give a preferred lifetime no longer than the valid one (RFC 4862 section 5.5.3 c)", preferred, o.Valid)
	case o.For == 0:
		return fail("-mode temporary needs -for; give the span to simulate, such as 72h")
	case o.For < 0:
		return fail("-for %v is negative; give the span to simulate, such as 72h", o.For)
	case o.RAInterval < 0:
		return fail("-ra-interval %v is negative; give how often the router re-advertises, such as 10m (0: once)", o.RAInterval)
	case o.RAInterval > 0 && o.RAInterval < minRAInterval:
		return fail("-ra-interval %v is below %v; give how often the router re-advertises, such as 10m (RFC 4861 routers wait at least 3s), or leave it out for one RA", o.RAInterval, minRAInterval)
	case o.RAInterval > 0 && ras(o.For, o.RAInterval) > maxRAs:
		return fail("-for %v with -ra-interval %v simulates %d RAs; give at most %d, with a longer -ra-interval or a shorter -for", o.For, o.RAInterval, ras(o.For, o.RAInterval), maxRAs)
	}
	// A temporary address lives no longer than its prefix is advertised
	// to (RFC 8981 section 3.4), so the manager's own rule on lifetimes
	// (0 < preferred <= valid, REGEN_ADVANCE below preferred), applied to
	// the shorter of each pair, says whether any address can be formed.
	eff := profile
	eff.ValidLifetime = min(eff.ValidLifetime, o.Valid)
	eff.PreferredLifetime = min(eff.PreferredLifetime, preferred)
	if _, err := slaac.NewTempManager(slaac.TempConfig{Profile: eff}); err != nil {
		what, example := fmt.Sprintf("-preferred %v", preferred), "24h (the default)"
		if !o.HasPreferred && o.Preferred == 0 {
			what, example = fmt.Sprintf("-valid %v", o.Valid), "720h"
		}
		return fail("%s forms no temporary address (RFC 8981 section 3.4 forms one only with a preferred lifetime above REGEN_ADVANCE, %v); give a longer one, such as %s", what, profile.RegenAdvance, example)
	}
	start := time.Now().UTC().Truncate(time.Second)
	if o.Start != "" {
		var err error
		if start, err = time.Parse(time.RFC3339, o.Start); err != nil {
			return fail("-start %q is not an RFC 3339 time; give one such as 2026-01-01T00:00:00Z", o.Start)
		}
		if start.Before(minStart) || start.After(maxStart) {
			return fail("-start %s is outside %s to %s; give a time in that range, such as 2026-01-01T00:00:00Z", o.Start, minStart.Format(time.DateOnly), maxStart.Format(time.DateOnly))
		}
	}
	return profile, start, preferred, nil
}

// ras is how many RAs runTemporary simulates: one at the start and one
// every interval before the end.
func ras(span, interval time.Duration) int64 {
	n := int64(span / interval)
	if span%interval != 0 {
		n++
	}
	return max(n, 1)
}

func runTemporary(ctx context.Context, o Options, w io.Writer) error {
	p, err := parsePrefix(o.Prefix)
	if err != nil {
		return err
	}
	profile, start, preferred, err := checkTemporary(o)
	if err != nil {
		return err
	}
	seed := o.Seed
	if seed == 0 {
		var b [8]byte
		if _, err := crand.Read(b[:]); err != nil {
			return err
		}
		seed = binary.LittleEndian.Uint64(b[:])
	}
	var key [32]byte
	binary.LittleEndian.PutUint64(key[:], seed)
	m, err := slaac.NewTempManager(slaac.TempConfig{Profile: profile, Rand: rand.NewChaCha8(key)})
	if err != nil {
		return err
	}
	end := start.Add(o.For)
	enc := json.NewEncoder(w)
	emit := func(evs []slaac.TempEvent) error {
		for _, e := range evs {
			if e.Time.After(end) {
				continue
			}
			ev := Event{
				Time: e.Time, Offset: e.Time.Sub(start).Seconds(), Event: e.Kind.String(), Address: e.Addr.String(),
				PreferredUntil: e.PreferredUntil, ValidUntil: e.ValidUntil, Desync: e.Desync.Seconds(),
			}
			if o.JSON {
				if err := enc.Encode(ev); err != nil {
					return err
				}
				continue
			}
			if _, err := fmt.Fprintf(w, "%-10s %-10s %s preferred-until +%v valid-until +%v\n",
				"+"+e.Time.Sub(start).String(), ev.Event, ev.Address, e.PreferredUntil.Sub(start), e.ValidUntil.Sub(start)); err != nil {
				return err
			}
		}
		return nil
	}
	now := start
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		evs, err := m.PrefixInfo(now, p, o.Valid, preferred)
		if err != nil {
			return err
		}
		if err := emit(evs); err != nil {
			return err
		}
		if o.RAInterval <= 0 || !now.Add(o.RAInterval).Before(end) {
			break
		}
		now = now.Add(o.RAInterval)
	}
	return emit(m.Advance(end))
}
