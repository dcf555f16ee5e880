// Package lxddns is the lxd-dns program: it prints a DNS zone line
// ("name IN AAAA addr") for the SLAAC address every NIC of every LXD instance
// forms in each given /64, predicted from the instance's MAC (package
// lxdprofile). The seed pastes these into its zone file.
package lxddns

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/canonical/lxd/shared/api"

	"github.com/v6kit/v6kit/lxdprofile"
	"github.com/v6kit/v6kit/slaac"
)

// ErrUsage marks a bad command line; the program exits with status 2.
var ErrUsage = errors.New("lxd-dns: usage")

// Options configure Run; examples/lxd-dns fills them from flags.
type Options struct {
	// Prefixes are the LAN's /64 prefixes (-prefix, repeatable), required.
	Prefixes []string
	// Socket is the LXD unix socket (-socket); empty means the client's
	// default.
	Socket string
	// JSON prints one JSON object per address (-json).
	JSON bool
}

type lineJSON struct {
	Instance string `json:"instance"`
	NIC      string `json:"nic"`
	MAC      string `json:"mac"`
	Addr     string `json:"addr"`
	Line     string `json:"line"`
}

// InstanceLister is the part of the LXD client Run uses.
type InstanceLister interface {
	GetInstances(instanceType api.InstanceType) ([]api.Instance, error)
}

// Run connects to LXD and prints the zone lines.
func Run(ctx context.Context, o Options, w io.Writer) error {
	prefixes, err := parsePrefixes(o.Prefixes)
	if err != nil {
		return err
	}
	srv, err := lxdprofile.ConnectUnix(ctx, o.Socket)
	if err != nil {
		return err
	}
	defer srv.Disconnect()
	return write(ctx, srv, prefixes, o.JSON, w)
}

func parsePrefixes(in []string) ([]netip.Prefix, error) {
	if len(in) == 0 {
		return nil, fmt.Errorf("%w: at least one -prefix is required", ErrUsage)
	}
	var out []netip.Prefix
	for _, s := range in {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("%w: -prefix %q: %v", ErrUsage, s, err)
		}
		if err := slaac.CheckPrefix(p); err != nil {
			return nil, fmt.Errorf("%w: -prefix %q: %v", ErrUsage, s, err)
		}
		out = append(out, p)
	}
	return out, nil
}

// write prints the lines for every instance srv lists, by instance name.
func write(ctx context.Context, srv InstanceLister, prefixes []netip.Prefix, asJSON bool, w io.Writer) error {
	insts, err := srv.GetInstances(api.InstanceTypeAny)
	if err != nil {
		return fmt.Errorf("lxd-dns: list instances: %w", err)
	}
	insts = slices.Clone(insts)
	slices.SortFunc(insts, func(a, b api.Instance) int { return strings.Compare(a.Name, b.Name) })
	enc := json.NewEncoder(w)
	for _, in := range insts {
		if err := ctx.Err(); err != nil {
			return err
		}
		preds, err := lxdprofile.Predict(in.Name, in.ExpandedConfig, lxdprofile.DevicesFromAPI(in.ExpandedDevices), prefixes)
		if err != nil {
			return fmt.Errorf("lxd-dns: instance %s: %w", in.Name, err)
		}
		for _, p := range preds {
			line := lxdprofile.ZoneLine(p.Instance, p.Addr)
			if asJSON {
				if err := enc.Encode(lineJSON{Instance: p.Instance, NIC: p.NIC, MAC: p.MAC.String(), Addr: p.Addr.String(), Line: line}); err != nil {
					return err
				}
				continue
			}
			if _, err := fmt.Fprintln(w, line); err != nil {
				return err
			}
		}
	}
	return nil
}
