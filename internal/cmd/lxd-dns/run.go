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

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"

	"github.com/v6kit/v6kit/lxdprofile"
)

// instanceLister is the part of the LXD client run uses.
type instanceLister interface {
	GetInstances(instanceType api.InstanceType) ([]api.Instance, error)
}

// run connects to LXD and prints the zone lines.
func run(ctx context.Context, prefixes []netip.Prefix, socket string, asJSON bool, w io.Writer) error {
	srv, err := connect(ctx, socket)
	if err != nil {
		return err
	}
	defer srv.Disconnect()
	return write(ctx, srv, prefixes, asJSON, w)
}

// connect connects to the daemon; when none answers, the line says which
// sockets were tried and how to pick one.
func connect(ctx context.Context, socket string) (lxd.InstanceServer, error) {
	srv, err := lxdprofile.ConnectUnix(ctx, socket)
	switch {
	case err == nil:
		return srv, nil
	case errors.Is(err, lxdprofile.ErrNoDaemon) && socket != "":
		return nil, fmt.Errorf("%s; check -socket (a snap's is %s)", trim(err), lxdprofile.SnapSocket)
	case errors.Is(err, lxdprofile.ErrNoDaemon):
		return nil, fmt.Errorf("%s; give the socket with -socket PATH or set LXD_DIR", trim(err))
	}
	return nil, errors.New(trim(err))
}

// trim is an SDK error's text without its package prefix: the program's
// name starts the line instead.
func trim(err error) string { return strings.TrimPrefix(err.Error(), "lxdprofile: ") }

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
			return fmt.Errorf("instance %q: %s", in.Name, trim(err))
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
