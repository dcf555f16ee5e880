package lxddns

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/netip"
	"slices"
	"strings"

	"github.com/canonical/lxd/shared/api"

	"github.com/v6kit/v6kit/internal/lxdcli"
	"github.com/v6kit/v6kit/lxdprofile"
)

// instanceLister is the part of the client run uses.
type instanceLister interface {
	GetInstances(instanceType api.InstanceType) ([]api.Instance, error)
}

// run connects to LXD or Incus and prints the zone lines.
func run(ctx context.Context, prefixes []netip.Prefix, daemon *lxdcli.Flags, asJSON bool, w io.Writer) error {
	srv, err := daemon.Connect(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	return write(ctx, srv, prefixes, asJSON, w)
}

type lineJSON struct {
	Instance string `json:"instance"`
	NIC      string `json:"nic"`
	MAC      string `json:"mac"`
	Addr     string `json:"addr"`
	Line     string `json:"line"`
}

// write prints the lines for every instance srv lists, by instance name.
func write(ctx context.Context, srv instanceLister, prefixes []netip.Prefix, asJSON bool, w io.Writer) error {
	insts, err := srv.GetInstances(api.InstanceTypeAny)
	if err != nil {
		return fmt.Errorf("list instances: %w", err)
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
			return fmt.Errorf("instance %q: %w", in.Name, err)
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
