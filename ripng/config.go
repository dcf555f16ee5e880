package ripng

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"time"
)

// SplitHorizon says what a speaker advertises back onto the interface a
// route was learned on (RFC 2080 §2.5).
type SplitHorizon uint8

// Split horizon modes; the zero value is poisoned reverse.
const (
	// SplitHorizonPoisonedReverse advertises such routes with metric 16.
	SplitHorizonPoisonedReverse SplitHorizon = iota
	// SplitHorizonSimple leaves them out.
	SplitHorizonSimple
	// SplitHorizonNone advertises them normally, with a next-hop entry
	// naming the router we learned them from.
	SplitHorizonNone
)

// Interface is one interface a speaker runs on.
type Interface struct {
	// Name is the interface name, used in views and as the zone of static
	// next hops.
	Name string
	// Conn is the interface's socket. The speaker reads and writes it
	// while Run runs and never closes it: whoever opened it closes it,
	// after Run returns.
	Conn PacketConn
	// LinkLocal is the interface's link-local address, the source of
	// everything the speaker sends there; packets from it are our own.
	LinkLocal netip.Addr
	// Cost is added to the metric of routes learned here (1–15, default 1).
	Cost uint8
	// MTU sizes the packets (default 1500: 72 entries).
	MTU int
}

// Config configures a [Speaker]. Zero fields take RFC 2080's defaults.
type Config struct {
	Interfaces []Interface
	// Announce lists static or connected routes to advertise (metric
	// default 1). A link-local NextHop with a zone names the interface on
	// which it is advertised as a next-hop entry (RFC 2080 §2.1.1).
	Announce []Route
	// Import, when set, decides which learned routes enter the table.
	Import func(RouteInfo) bool
	// Export, when set, decides which routes are advertised.
	Export func(RouteInfo) bool
	// SplitHorizon defaults to poisoned reverse.
	SplitHorizon SplitHorizon
	// RouteLimit bounds the learned routes (default 10000): a hostile
	// neighbour cannot exhaust memory. NeighborLimit bounds the
	// neighbours per interface (default 64).
	RouteLimit    int
	NeighborLimit int
	// UpdateInterval (30 s) ± UpdateJitter (5 s) spaces periodic updates;
	// Timeout (180 s) expires unrefreshed routes, GarbageCollection (120 s)
	// deletes unreachable ones; triggered updates are held for a random
	// TriggeredMin–TriggeredMax (1–5 s) after each one (RFC 2080 §2.4–2.5).
	UpdateInterval    time.Duration
	UpdateJitter      time.Duration
	Timeout           time.Duration
	GarbageCollection time.Duration
	TriggeredMin      time.Duration
	TriggeredMax      time.Duration
	// Rand is the source of the timers' jitter; nil means crypto/rand.
	// A deterministic caller passes e.g. rand.NewChaCha8(seed).
	Rand io.Reader
	// RouteSync, when set, is told of every learned route that becomes
	// best or goes away: kernel route sync (see NewKernelSync on Linux).
	RouteSync RouteSync
	// OnError, when set, receives errors of sends and route sync; the
	// speaker keeps running.
	OnError func(error)
}

// ErrConfig reports an unusable Config.
var ErrConfig = errors.New("ripng: invalid config")

// withDefaults returns cfg with its zero fields set to RFC 2080's defaults,
// or an error wrapping [ErrConfig] if a field is out of range. It checks
// the timers, limits and announced routes, not the interfaces.
func (cfg Config) withDefaults() (Config, error) {
	durations := []struct {
		name string
		d    *time.Duration
		def  time.Duration
	}{
		{"UpdateInterval", &cfg.UpdateInterval, 30 * time.Second},
		{"UpdateJitter", &cfg.UpdateJitter, 5 * time.Second},
		{"Timeout", &cfg.Timeout, 180 * time.Second},
		{"GarbageCollection", &cfg.GarbageCollection, 120 * time.Second},
		{"TriggeredMin", &cfg.TriggeredMin, time.Second},
		{"TriggeredMax", &cfg.TriggeredMax, 5 * time.Second},
	}
	for _, d := range durations {
		if *d.d < 0 {
			return cfg, fmt.Errorf("%w: %s %v is negative", ErrConfig, d.name, *d.d)
		}
		if *d.d == 0 {
			*d.d = d.def
		}
	}
	if cfg.UpdateJitter >= cfg.UpdateInterval || cfg.TriggeredMax < cfg.TriggeredMin {
		return cfg, fmt.Errorf("%w: jitter or triggered-update bounds", ErrConfig)
	}
	if cfg.RouteLimit < 0 || cfg.NeighborLimit < 0 {
		return cfg, fmt.Errorf("%w: negative RouteLimit or NeighborLimit", ErrConfig)
	}
	if cfg.RouteLimit == 0 {
		cfg.RouteLimit = 10000
	}
	if cfg.NeighborLimit == 0 {
		cfg.NeighborLimit = 64
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	}
	for _, r := range cfg.Announce {
		if err := checkAnnounce(r); err != nil {
			return cfg, fmt.Errorf("%w: %w", ErrConfig, err)
		}
	}
	return cfg, nil
}

// checkAnnounce checks a static route as it will be advertised.
func checkAnnounce(r Route) error {
	if err := (RTE{Prefix: r.Prefix, Tag: r.Tag, Metric: max(r.Metric, 1)}).Validate(Response); err != nil {
		return fmt.Errorf("announce %v: %w", r.Prefix, err)
	}
	return nil
}
