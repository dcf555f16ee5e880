package macvlanshim

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/v6kit/v6kit/macvlan"
)

// run ensures, removes or lists per o and prints the outcome.
func run(ctx context.Context, o options, w io.Writer) error {
	cfg := macvlan.Config{Parent: o.parent, Name: o.name, IPv4: o.ipv4, Metric: o.metric, SysRoot: o.sysRoot}
	switch {
	case o.list:
		links, err := macvlan.List(ctx, o.parent)
		if err != nil {
			return runtimeError(err)
		}
		return printLinks(w, o.parent, links, o.json)
	case o.remove:
		removed, err := macvlan.Remove(ctx, cfg)
		if err != nil {
			return runtimeError(err)
		}
		return printRemoved(w, o.name, o.parent, removed, o.json)
	}
	shim, err := macvlan.Ensure(ctx, cfg)
	if err != nil {
		return runtimeError(err)
	}
	return printShim(w, shim, o.json)
}

// runtimeError names the capability when it was missing; cli.Main drops
// the SDK's package name from the line.
func runtimeError(err error) error {
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%w; needs CAP_NET_ADMIN: run as root or grant it with setcap cap_net_admin+ep", err)
	}
	return err
}

// shimJSON is the -json form of an ensured shim. Every key -h lists is
// always there, whatever its value (false, 0, an empty list), so a script
// need not tell a missing key from a false one.
type shimJSON struct {
	Action  string      `json:"action"`
	Name    string      `json:"name"`
	Parent  string      `json:"parent"`
	MAC     string      `json:"mac"`
	Index   int         `json:"index"`
	Created bool        `json:"created"`
	Changed bool        `json:"changed"`
	Addrs   []string    `json:"addrs"`
	Routes  []routeJSON `json:"routes"`
}

// removedJSON is the -json form of -remove.
type removedJSON struct {
	Action  string `json:"action"`
	Name    string `json:"name"`
	Parent  string `json:"parent"`
	Changed bool   `json:"changed"`
	Removed bool   `json:"removed"`
}

// routeJSON is one route through the shim; src is null for IPv6 routes,
// which have no preferred source.
type routeJSON struct {
	Dst      string  `json:"dst"`
	Src      *string `json:"src"`
	Metric   uint32  `json:"metric"`
	PrefHigh bool    `json:"pref_high"`
}

type linkJSON struct {
	Name   string `json:"name"`
	Parent string `json:"parent"`
	Index  int    `json:"index"`
	MAC    string `json:"mac"`
	Mode   string `json:"mode"`
	Up     bool   `json:"up"`
}

func printLinks(w io.Writer, parent string, links []macvlan.Link, asJSON bool) error {
	enc := json.NewEncoder(w)
	for _, l := range links {
		if asJSON {
			if err := enc.Encode(linkJSON{Name: l.Name, Parent: parent, Index: l.Index, MAC: l.MAC.String(), Mode: l.Mode.String(), Up: l.Up}); err != nil {
				return err
			}
			continue
		}
		state := "down"
		if l.Up {
			state = "up"
		}
		if _, err := fmt.Fprintf(w, "%s@%s mode %s mac %s %s\n", l.Name, parent, l.Mode, l.MAC, state); err != nil {
			return err
		}
	}
	return nil
}

func printRemoved(w io.Writer, name, parent string, removed, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(removedJSON{Action: "remove", Name: name, Parent: parent, Changed: removed, Removed: removed})
	}
	what := "not present"
	if removed {
		what = "removed"
	}
	_, err := fmt.Fprintf(w, "%s on %s: %s\n", name, parent, what)
	return err
}

func printShim(w io.Writer, shim *macvlan.Shim, asJSON bool) error {
	addrs := make([]string, 0, len(shim.Addrs))
	for _, a := range shim.Addrs {
		addrs = append(addrs, a.String())
	}
	if asJSON {
		return json.NewEncoder(w).Encode(shimJSON{Action: "ensure", Name: shim.Name, Parent: shim.Parent, MAC: shim.MAC.String(), Index: shim.Index,
			Created: shim.Created, Changed: shim.Changed, Addrs: addrs, Routes: routes(shim.Routes)})
	}
	what := "unchanged"
	switch {
	case shim.Created:
		what = "created"
	case shim.Changed:
		what = "completed"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s on %s (mode bridge, mac %s): %s\n", shim.Name, shim.Parent, shim.MAC, what)
	if len(addrs) > 0 {
		fmt.Fprintf(&b, "  address %s\n", strings.Join(addrs, ", "))
	}
	for _, r := range shim.Routes {
		fmt.Fprintf(&b, "  route %s dev %s metric %d", r.Dst, shim.Name, r.Metric)
		if r.PrefHigh {
			b.WriteString(" pref high")
		}
		if r.Src.IsValid() {
			b.WriteString(" src " + r.Src.String())
		}
		b.WriteString("\n")
	}
	if len(shim.Routes) == 0 {
		fmt.Fprintf(&b, "  no on-link prefixes on %s to route\n", shim.Parent)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func routes(rs []macvlan.Route) []routeJSON {
	out := make([]routeJSON, 0, len(rs))
	for _, r := range rs {
		rj := routeJSON{Dst: r.Dst.String(), Metric: r.Metric, PrefHigh: r.PrefHigh}
		if r.Src.IsValid() {
			src := r.Src.String()
			rj.Src = &src
		}
		out = append(out, rj)
	}
	return out
}
