package nat64

import (
	"net/netip"
	"testing"
	"time"

	"github.com/v6kit/v6kit/ndp"
)

func TestChoose(t *testing.T) {
	now := time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC)
	nsp := netip.MustParsePrefix("2001:db8:64::/96")
	ra := func(at time.Duration, rtrLife, life time.Duration, p netip.Prefix) ndp.Router {
		return ndp.Router{Received: now.Add(at), Lifetime: rtrLife, PREF64: []ndp.PREF64{{Prefix: p, Lifetime: life}}}
	}
	disc := &Discovery{Prefixes: []netip.Prefix{nsp}, TTL: 300 * time.Second, Received: now}
	tests := []struct {
		name                 string
		ras                  []ndp.Router
		d                    *Discovery
		want                 netip.Prefix
		src                  Source
		expires              time.Time
		agree, shortLifetime bool
	}{
		{"PREF64 wins and agrees", []ndp.Router{ra(0, 1800*time.Second, 1800*time.Second, nsp)}, disc, nsp, SourcePREF64, now.Add(1800 * time.Second), true, false},
		{"PREF64 wins over a different DNS64 prefix", []ndp.Router{ra(0, 1800*time.Second, 1800*time.Second, WellKnownPrefix)}, disc, WellKnownPrefix, SourcePREF64, now.Add(1800 * time.Second), false, false},
		{"newest advertisement first", []ndp.Router{ra(-time.Minute, 1800*time.Second, 1800*time.Second, WellKnownPrefix), ra(0, 1800*time.Second, 1800*time.Second, nsp)}, nil, nsp, SourcePREF64, now.Add(1800 * time.Second), false, false},
		{"expired PREF64 falls back to DNS64", []ndp.Router{ra(-time.Hour, 1800*time.Second, 16*time.Second, WellKnownPrefix)}, disc, nsp, SourceDNS64, now.Add(300 * time.Second), false, false},
		{"lifetime 0 withdraws", []ndp.Router{ra(0, 1800*time.Second, 0, WellKnownPrefix)}, disc, nsp, SourceDNS64, now.Add(300 * time.Second), false, false},
		{"lifetime shorter than the router's (opnsense #10687)", []ndp.Router{ra(0, 1800*time.Second, 16*time.Second, nsp)}, disc, nsp, SourcePREF64, now.Add(16 * time.Second), true, true},
		{"nothing", nil, nil, netip.Prefix{}, SourceNone, time.Time{}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := Choose(now, tt.ras, tt.d)
			if c.Prefix != tt.want || c.Source != tt.src || !c.Expires.Equal(tt.expires) || c.Agree != tt.agree || c.ShortLifetime != tt.shortLifetime {
				t.Errorf("Choose = %+v\nwant prefix %v source %q expires %v agree %v short %v", c, tt.want, tt.src, tt.expires, tt.agree, tt.shortLifetime)
			}
		})
	}
}
