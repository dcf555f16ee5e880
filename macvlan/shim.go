package macvlan

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/v6kit/v6kit/internal/netx"
)

// Ensure makes sure the host shim described by cfg exists, is up, has its
// addresses and routes, and returns it. Calling it again changes nothing;
// after the parent's prefixes or cfg.Metric change, calling it again removes
// the shim's addresses and routes that are no longer wanted (only its own:
// the EUI-64 /128s and the routes with preference high or, for IPv4, a
// preferred source). If a step fails, what this call did is undone. Names
// are checked before anything is opened; the parent must be an Ethernet
// link ([ErrNotEthernet]).
func Ensure(ctx context.Context, cfg Config) (*Shim, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	o, err := dial()
	if err != nil {
		return nil, err
	}
	defer o.close()
	return ensure(ctx, o, cfg)
}

// Remove deletes the shim described by cfg, with its addresses and routes,
// and reports whether there was one. A missing shim is not an error; a link
// of that name that is not our shim is ([ErrNameTaken]) and is left alone.
func Remove(ctx context.Context, cfg Config) (bool, error) {
	if err := cfg.check(); err != nil {
		return false, err
	}
	if err := ctx.Err(); err != nil {
		return false, err
	}
	o, err := dial()
	if err != nil {
		return false, err
	}
	defer o.close()
	return remove(o, cfg)
}

// List returns the macvlans on parent, sorted by name.
func List(ctx context.Context, parent string) ([]Link, error) {
	if err := netx.CheckName(parent); err != nil {
		return nil, fmt.Errorf("macvlan: parent: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	o, err := dial()
	if err != nil {
		return nil, err
	}
	defer o.close()
	return list(o, parent)
}

// remove is Remove against ops.
func remove(o netOps, cfg Config) (bool, error) {
	if err := cfg.check(); err != nil {
		return false, err
	}
	name := cfg.name()
	parent, mac, err := parentOf(o, cfg.Parent)
	if err != nil {
		return false, err
	}
	l, exists, err := o.linkByName(name)
	if err != nil || !exists {
		return false, err
	}
	if !isShimOf(l, parent, mac) {
		return false, errorf(ErrNameTaken, "macvlan: interface %q is not our shim on %q; left alone", name, cfg.Parent)
	}
	if err := o.deleteLink(l.Index); err != nil {
		return false, fmt.Errorf("macvlan: delete %s: %w", name, err)
	}
	return true, nil
}

// list is List against ops.
func list(o netOps, parentName string) ([]Link, error) {
	parent, ok, err := o.linkByName(parentName)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, noParent(parentName)
	}
	all, err := o.links()
	if err != nil {
		return nil, err
	}
	var out []Link
	for _, l := range all {
		if l.Kind == "macvlan" && l.ParentIndex == parent.Index {
			out = append(out, Link{Name: l.Name, Index: l.Index, MAC: l.MAC, Mode: l.Mode, Up: l.Up})
		}
	}
	slices.SortFunc(out, func(a, b Link) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}
