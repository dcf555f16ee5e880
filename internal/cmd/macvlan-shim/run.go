// Package macvlanshim is the macvlan-shim program: it ensures (or removes)
// the host-side macvlan shim that lets a Linux host reach its own macvlan
// containers (package macvlan), in the caller's network namespace.
package macvlanshim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/v6kit/v6kit/macvlan"
)

// ErrUsage marks a bad command line; the program exits with status 2.
var ErrUsage = errors.New("macvlan-shim: usage")

// Options configure Run; examples/macvlan-shim fills them from flags.
type Options struct {
	// Parent is the LAN interface (-parent), required.
	Parent string
	// Name is the shim's name (-name); empty means macvlan.DefaultName.
	Name string
	// Remove removes the shim instead (-remove).
	Remove bool
	// List lists the macvlans on the parent instead (-list).
	List bool
	// IPv4 routes the parent's IPv4 subnets through the shim too (-ipv4).
	IPv4 bool
	// Metric is the routes' metric (-metric); 0 means 100.
	Metric uint
	// JSON prints one JSON object per line (-json).
	JSON bool
	// SysRoot is where sysfs is mounted (tests); empty means /sys.
	SysRoot string
}

// shimJSON is the -json form of an ensured or removed shim.
type shimJSON struct {
	Action  string      `json:"action"`
	Name    string      `json:"name"`
	Parent  string      `json:"parent"`
	MAC     string      `json:"mac,omitempty"`
	Index   int         `json:"index,omitempty"`
	Created bool        `json:"created,omitempty"`
	Changed bool        `json:"changed"`
	Addrs   []string    `json:"addrs,omitempty"`
	Routes  []routeJSON `json:"routes,omitempty"`
	Removed *bool       `json:"removed,omitempty"`
}

type routeJSON struct {
	Dst      string `json:"dst"`
	Src      string `json:"src,omitempty"`
	Metric   uint32 `json:"metric"`
	PrefHigh bool   `json:"pref_high,omitempty"`
}

type linkJSON struct {
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Index  int    `json:"index"`
	MAC    string `json:"mac"`
	Mode   string `json:"mode"`
	Up     bool   `json:"up"`
}

// Run ensures, removes or lists per o and prints the outcome to w.
func Run(ctx context.Context, o Options, w io.Writer) error {
	if o.Parent == "" {
		return fmt.Errorf("%w: -parent is required", ErrUsage)
	}
	if o.Remove && o.List {
		return fmt.Errorf("%w: -remove and -list exclude each other", ErrUsage)
	}
	cfg := macvlan.Config{Parent: o.Parent, Name: o.Name, IPv4: o.IPv4, Metric: uint32(o.Metric), SysRoot: o.SysRoot}
	name := o.Name
	if name == "" {
		name = macvlan.DefaultName
	}
	enc := json.NewEncoder(w)
	switch {
	case o.List:
		links, err := macvlan.List(ctx, o.Parent)
		if err != nil {
			return err
		}
		for _, l := range links {
			lj := linkJSON{Name: l.Name, Parent: o.Parent, Index: l.Index, MAC: l.MAC.String(), Mode: l.Mode.String(), Up: l.Up}
			if o.JSON {
				if err := enc.Encode(lj); err != nil {
					return err
				}
				continue
			}
			state := "down"
			if l.Up {
				state = "up"
			}
			fmt.Fprintf(w, "%s@%s mode %s mac %s %s\n", l.Name, o.Parent, l.Mode, l.MAC, state)
		}
		return nil
	case o.Remove:
		removed, err := macvlan.Remove(ctx, cfg)
		if err != nil {
			return err
		}
		if o.JSON {
			return enc.Encode(shimJSON{Action: "remove", Name: name, Parent: o.Parent, Changed: removed, Removed: &removed})
		}
		if removed {
			fmt.Fprintf(w, "%s on %s: removed\n", name, o.Parent)
		} else {
			fmt.Fprintf(w, "%s on %s: not present\n", name, o.Parent)
		}
		return nil
	}
	shim, err := macvlan.Ensure(ctx, cfg)
	if err != nil {
		return err
	}
	addrs := make([]string, 0, len(shim.Addrs))
	for _, a := range shim.Addrs {
		addrs = append(addrs, a.String())
	}
	if o.JSON {
		return enc.Encode(shimJSON{Action: "ensure", Name: shim.Name, Parent: shim.Parent, MAC: shim.MAC.String(), Index: shim.Index,
			Created: shim.Created, Changed: shim.Changed, Addrs: addrs, Routes: routes(shim.Routes)})
	}
	what := "unchanged"
	switch {
	case shim.Created:
		what = "created"
	case shim.Changed:
		what = "completed"
	}
	fmt.Fprintf(w, "%s on %s (mode bridge, mac %s): %s\n", shim.Name, shim.Parent, shim.MAC, what)
	if len(addrs) > 0 {
		fmt.Fprintf(w, "  address %s\n", strings.Join(addrs, ", "))
	}
	for _, r := range shim.Routes {
		line := fmt.Sprintf("  route %s dev %s metric %d", r.Dst, shim.Name, r.Metric)
		if r.PrefHigh {
			line += " pref high"
		}
		if r.Src.IsValid() {
			line += " src " + r.Src.String()
		}
		fmt.Fprintln(w, line)
	}
	if len(shim.Routes) == 0 {
		fmt.Fprintf(w, "  no on-link prefixes on %s to route\n", shim.Parent)
	}
	return nil
}

func routes(rs []macvlan.Route) []routeJSON {
	out := make([]routeJSON, 0, len(rs))
	for _, r := range rs {
		rj := routeJSON{Dst: r.Dst.String(), Metric: r.Metric, PrefHigh: r.PrefHigh}
		if r.Src.IsValid() {
			rj.Src = r.Src.String()
		}
		out = append(out, rj)
	}
	return out
}
