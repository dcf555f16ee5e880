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

// checkTemporary validates the flags of -mode temporary.
func checkTemporary(o Options) (slaac.TempProfile, time.Time, error) {
	var profile slaac.TempProfile
	switch o.Profile {
	case "", "rfc8981":
		profile = slaac.RFC8981Profile()
	case "linux":
		profile = slaac.LinuxProfile()
	default:
		return profile, time.Time{}, cli.Usagef("-profile %q is unknown; give rfc8981 or linux", o.Profile)
	}
	switch {
	case o.Valid == 0:
		return profile, time.Time{}, cli.Usagef("-mode temporary needs -valid; give the advertised valid lifetime of the prefix, such as 720h")
	case o.Valid < 0:
		return profile, time.Time{}, cli.Usagef("-valid %v is negative; give the advertised valid lifetime, such as 720h", o.Valid)
	case o.Valid > slaac.InfiniteLifetime:
		return profile, time.Time{}, cli.Usagef("-valid %v is beyond a Prefix Information lifetime; give at most %v (infinity)", o.Valid, slaac.InfiniteLifetime)
	case o.Preferred < 0:
		return profile, time.Time{}, cli.Usagef("-preferred %v is negative; give the advertised preferred lifetime, such as 168h (0: deprecated)", o.Preferred)
	case o.Preferred > o.Valid:
		return profile, time.Time{}, cli.Usagef("-preferred %v exceeds -valid %v; give a preferred lifetime no longer than the valid one (RFC 4862 section 5.5.3 c)", o.Preferred, o.Valid)
	case o.For == 0:
		return profile, time.Time{}, cli.Usagef("-mode temporary needs -for; give the span to simulate, such as 72h")
	case o.For < 0:
		return profile, time.Time{}, cli.Usagef("-for %v is negative; give the span to simulate, such as 72h", o.For)
	case o.RAInterval < 0:
		return profile, time.Time{}, cli.Usagef("-ra-interval %v is negative; give how often the router re-advertises, such as 10m (0: once)", o.RAInterval)
	}
	start := time.Now().UTC().Truncate(time.Second)
	if o.Start != "" {
		var err error
		if start, err = time.Parse(time.RFC3339, o.Start); err != nil {
			return profile, start, cli.Usagef("-start %q is not an RFC 3339 time; give one such as 2026-01-01T00:00:00Z", o.Start)
		}
	}
	return profile, start, nil
}

func runTemporary(ctx context.Context, o Options, w io.Writer) error {
	p, err := parsePrefix(o.Prefix)
	if err != nil {
		return err
	}
	profile, start, err := checkTemporary(o)
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
		evs, err := m.PrefixInfo(now, p, o.Valid, o.Preferred)
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
