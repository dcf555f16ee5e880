package macvlan

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"slices"
	"strings"

	"github.com/v6kit/v6kit/slaac"
)

// changes applies the steps of one ensure to the shim and remembers how to
// undo each, so that a failed ensure leaves nothing behind.
type changes struct {
	shim *Shim
	undo []func() error
}

// do runs step, marks the shim changed and records undo; a failed step is
// "macvlan: WHAT: cause".
func (c *changes) do(what string, step, undo func() error) error {
	if err := step(); err != nil {
		return fmt.Errorf("macvlan: %s: %w", what, err)
	}
	if undo != nil {
		c.undo = append(c.undo, undo)
	}
	c.shim.Changed = true
	return nil
}

// rollback undoes the recorded steps, newest first, and returns err with
// any undo failures attached.
func (c *changes) rollback(err error) error {
	var errs []error
	for i := len(c.undo) - 1; i >= 0; i-- {
		if uerr := c.undo[i](); uerr != nil {
			errs = append(errs, uerr)
		}
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w (rollback: %w)", err, errors.Join(errs...))
	}
	return err
}

// ensure is Ensure against ops.
func ensure(ctx context.Context, o netOps, cfg Config) (_ *Shim, err error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if err := CheckWireless(cfg.SysRoot, cfg.Parent); err != nil {
		return nil, err
	}
	parent, mac, err := parentOf(o, cfg.Parent)
	if err != nil {
		return nil, err
	}
	pr, err := o.onLinkRoutes(parent.Index)
	if err != nil {
		return nil, err
	}
	routes, addrs, err := wantRoutes(cfg, pr, mac)
	if err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	c := &changes{shim: &Shim{Name: cfg.name(), Parent: cfg.Parent, MAC: mac, Mode: ModeBridge, Addrs: addrs, Routes: routes}}
	defer func() {
		if err != nil {
			err = c.rollback(err)
		}
	}()
	if err := ensureLink(o, c, parent); err != nil {
		return nil, err
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if err := syncAddrs(o, c); err != nil {
		return nil, err
	}
	if err := syncRoutes(ctx, o, c); err != nil {
		return nil, err
	}
	return c.shim, nil
}

// ensureLink creates the shim link unless it exists, refuses a link of
// that name that is not our shim, and sets it up.
func ensureLink(o netOps, c *changes, parent linkInfo) error {
	s := c.shim
	l, exists, err := o.linkByName(s.Name)
	if err != nil {
		return err
	}
	if exists && !isShimOf(l, parent, s.MAC) {
		return errorf(ErrNameTaken, "macvlan: interface %q exists and is not our shim on %q (%s); give the shim another name",
			s.Name, s.Parent, describe(l, parent, s.MAC))
	}
	if !exists {
		err := c.do(fmt.Sprintf("create %s on %s", s.Name, s.Parent), func() error {
			idx, err := o.addMacvlan(s.Name, parent.Index, s.MAC)
			l = linkInfo{Name: s.Name, Index: idx, ParentIndex: parent.Index, Kind: "macvlan", Mode: ModeBridge, MAC: s.MAC}
			return err
		}, func() error { return o.deleteLink(l.Index) })
		if err != nil {
			return err
		}
		s.Created = true
	}
	s.Index = l.Index
	if !l.Up {
		return c.do("set "+s.Name+" up", func() error { return o.setUp(l.Index) }, nil)
	}
	return nil
}

// describe says in words what link l is, for a user who asked for a shim
// under its name: its kind (netlink reports none, "device", for a NIC or
// the loopback, so its link type stands in), a macvlan's mode and parent,
// and its MAC, or that it has none (the loopback's all-zero MAC is not
// reported).
func describe(l linkInfo, parent linkInfo, shimMAC net.HardwareAddr) string {
	var b strings.Builder
	switch {
	case l.Kind == "macvlan":
		fmt.Fprintf(&b, "a macvlan in %s mode", l.Mode)
		if l.ParentIndex != parent.Index {
			b.WriteString(" on another parent")
		}
	case l.Kind != "" && l.Kind != "device":
		fmt.Fprintf(&b, "%s %s link", article(l.Kind), l.Kind)
	case l.Encap == "loopback":
		b.WriteString("a loopback device")
	case l.Encap == "ether":
		b.WriteString("an Ethernet device")
	case l.Encap != "":
		fmt.Fprintf(&b, "a device of link type %s", l.Encap)
	default:
		b.WriteString("a device")
	}
	if len(l.MAC) == 0 {
		b.WriteString(" with no MAC")
		return b.String()
	}
	fmt.Fprintf(&b, " with MAC %s", l.MAC)
	if l.Kind == "macvlan" && l.ParentIndex == parent.Index && l.Mode == ModeBridge && !bytes.Equal(l.MAC, shimMAC) {
		fmt.Fprintf(&b, ", not the shim's %s", shimMAC)
	}
	return b.String()
}

// article is "a" or "an" before a link kind ("an ipvlan", "a veth").
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// syncAddrs adds the shim's addresses it lacks and removes its own that
// are no longer wanted (renumbered prefixes), leaving any others alone.
func syncAddrs(o netOps, c *changes) error {
	s := c.shim
	have, err := o.addrs(s.Index, 6)
	if err != nil {
		return err
	}
	for _, a := range s.Addrs {
		if slices.Contains(have, a) {
			continue
		}
		err := c.do(fmt.Sprintf("add address %s to %s", a, s.Name),
			func() error { return o.addAddr(s.Index, a) },
			func() error { return o.delAddr(s.Index, a) })
		if err != nil {
			return err
		}
	}
	iid, err := slaac.EUI64(s.MAC)
	if err != nil {
		return fmt.Errorf("macvlan: %w", err)
	}
	for _, a := range have {
		if !ownAddr(a, iid) || slices.Contains(s.Addrs, a) {
			continue
		}
		err := c.do(fmt.Sprintf("remove stale address %s from %s", a, s.Name),
			func() error { return o.delAddr(s.Index, a) },
			func() error { return o.addAddr(s.Index, a) })
		if err != nil {
			return err
		}
	}
	return nil
}

// syncRoutes removes the shim's own routes that are not wanted (gone
// prefixes, another metric) and adds the wanted ones it lacks.
func syncRoutes(ctx context.Context, o netOps, c *changes) error {
	s := c.shim
	have, err := o.routes(s.Index)
	if err != nil {
		return err
	}
	for _, r := range have {
		if !ownRoute(r) || slices.Contains(s.Routes, r) {
			continue
		}
		err := c.do(fmt.Sprintf("remove stale route %s metric %d via %s", r.Dst, r.Metric, s.Name),
			func() error { return o.delRoute(s.Index, r) },
			func() error { return o.addRoute(s.Index, r) })
		if err != nil {
			return err
		}
	}
	for _, r := range s.Routes {
		if slices.Contains(have, r) {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		err := c.do(fmt.Sprintf("add route %s via %s", r.Dst, s.Name),
			func() error { return o.addRoute(s.Index, r) },
			func() error { return o.delRoute(s.Index, r) })
		if err != nil {
			return err
		}
	}
	return nil
}
