package main

import (
	"slices"
	"testing"
)

func TestCompare(t *testing.T) {
	base := []string{
		"pkg ndp, func Resolve(context.Context, *net.Interface, netip.Addr) (net.HardwareAddr, error)",
		"pkg ndp, type Option interface",
		"pkg ndp, type Option interface, unexported methods",
		"pkg ndp, type Conn interface",
		"pkg ndp, type Conn interface, Close() error",
		"pkg ndp, type Router struct",
		"pkg ndp, type Router struct, Addr netip.Addr",
	}
	tests := []struct {
		name          string
		current       []string
		broken, added int
	}{
		{"unchanged", base, 0, 0},
		{"a new field and a new func are compatible", append(slices.Clone(base),
			"pkg ndp, type Router struct, MTU int", "pkg ndp, func New() int"), 0, 2},
		{"a changed signature breaks", append(slices.Clone(base[1:]),
			"pkg ndp, func Resolve(context.Context, *net.Interface, netip.Addr, int) (net.HardwareAddr, error)"), 1, 1},
		{"a removed field breaks", base[:len(base)-1], 1, 0},
		{"a method on a sealed interface is fine", append(slices.Clone(base), "pkg ndp, type Option interface, Len() int"), 0, 1},
		{"a method on an open interface breaks implementers", append(slices.Clone(base), "pkg ndp, type Conn interface, Read() error"), 1, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			broken, added := Compare(base, tt.current)
			if len(broken) != tt.broken || len(added) != tt.added {
				t.Errorf("broken %q, added %q; want %d broken, %d added", broken, added, tt.broken, tt.added)
			}
		})
	}
}

func TestAnnouncesBreaking(t *testing.T) {
	tests := []struct {
		name, log string
		want      bool
	}{
		{"first section says so", "# Changelog\n\n## Unreleased\n\n### Breaking\n- ndp: Serve is Run\n\n## v0.1.0\n", true},
		{"only an older release says so", "# Changelog\n\n## Unreleased\n\n### Added\n- x\n\n## v0.1.0\n\n### Breaking\n- y\n", false},
		{"no sections", "# Changelog\n", false},
		{"the word in text is not a heading", "# Changelog\n\n## Unreleased\n- Breaking news\n", false},
	}
	for _, tt := range tests {
		if got := AnnouncesBreaking([]byte(tt.log)); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
