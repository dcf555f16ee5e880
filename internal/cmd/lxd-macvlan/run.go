// Package lxdmacvlan is the lxd-macvlan program: the seed's whole macvlan
// recipe in one command. It creates (or updates) the LXD profile that puts
// containers on the LAN through a macvlan NIC, optionally ensures the host
// shim that lets the host reach them, and prints the profile as
// `lxc profile show` does (packages lxdprofile and macvlan).
package lxdmacvlan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/v6kit/v6kit/lxdprofile"
	"github.com/v6kit/v6kit/macvlan"
)

// ErrUsage marks a bad command line; the program exits with status 2.
var ErrUsage = errors.New("lxd-macvlan: usage")

// Options configure Run; examples/lxd-macvlan fills them from flags.
type Options struct {
	// Parent is the host's LAN interface (-parent), required.
	Parent string
	// Profile is the profile's name (-profile); empty means "macvlan".
	Profile string
	// Pool is the storage pool of the profile's root disk (-pool); empty
	// means "default".
	Pool string
	// Socket is the LXD unix socket (-socket); empty means the client's
	// default ($LXD_SOCKET, $LXD_DIR/unix.socket, /var/lib/lxd/unix.socket).
	Socket string
	// Overwrite replaces a profile of that name with other content
	// (-overwrite); without it such a profile is left alone and Run fails.
	Overwrite bool
	// Shim also ensures the host shim on Parent (-shim).
	Shim bool
	// ShimIPv4 routes the parent's IPv4 subnets through the shim too
	// (-shim-ipv4).
	ShimIPv4 bool
	// JSON prints one JSON object instead of YAML (-json).
	JSON bool
	// SysRoot is where sysfs is mounted (tests); empty means /sys.
	SysRoot string
}

type outJSON struct {
	Profile       string    `json:"profile"`
	Result        string    `json:"result"`
	ServerVersion string    `json:"server_version"`
	YAML          string    `json:"yaml"`
	Shim          *shimJSON `json:"shim,omitempty"`
}

type shimJSON struct {
	Name    string   `json:"name"`
	Parent  string   `json:"parent"`
	MAC     string   `json:"mac"`
	Created bool     `json:"created"`
	Changed bool     `json:"changed"`
	Routes  []string `json:"routes"`
}

// Run applies the macvlan profile (and the shim) and prints the profile.
func Run(ctx context.Context, o Options, w io.Writer) error {
	if o.Parent == "" {
		return fmt.Errorf("%w: -parent is required", ErrUsage)
	}
	if o.Profile == "" {
		o.Profile = lxdprofile.PresetMacvlan
	}
	if o.Pool == "" {
		o.Pool = "default"
	}
	p := lxdprofile.Macvlan(o.Parent, o.Pool)
	p.Name = o.Profile
	if err := lxdprofile.Validate(p); err != nil {
		return fmt.Errorf("%w: %w", ErrUsage, err)
	}
	if o.Shim {
		// Refuse a wireless parent before anything is created.
		if err := macvlan.CheckWireless(o.SysRoot, o.Parent); err != nil {
			return err
		}
	}
	srv, err := lxdprofile.ConnectUnix(ctx, o.Socket)
	if err != nil {
		return err
	}
	defer srv.Disconnect()
	server, _, err := srv.GetServer()
	if err != nil {
		return fmt.Errorf("lxd-macvlan: %w", err)
	}
	layout, err := lxdprofile.LayoutFor(server.Environment.ServerVersion)
	if err != nil {
		return err
	}
	res, err := lxdprofile.Apply(ctx, srv, p, lxdprofile.ApplyOptions{Overwrite: o.Overwrite})
	if err != nil {
		if errors.Is(err, lxdprofile.ErrDiffers) {
			return fmt.Errorf("%w; rerun with -overwrite to replace it", err)
		}
		return err
	}
	var shim *macvlan.Shim
	if o.Shim {
		shim, err = macvlan.Ensure(ctx, macvlan.Config{Parent: o.Parent, IPv4: o.ShimIPv4, SysRoot: o.SysRoot})
		if err != nil {
			return err
		}
	}
	cur, _, err := srv.GetProfile(o.Profile)
	if err != nil {
		return fmt.Errorf("lxd-macvlan: %w", err)
	}
	y, err := lxdprofile.Render(lxdprofile.FromAPI(cur), layout)
	if err != nil {
		return err
	}
	var sj *shimJSON
	if shim != nil {
		sj = &shimJSON{Name: shim.Name, Parent: shim.Parent, MAC: shim.MAC.String(), Created: shim.Created, Changed: shim.Changed, Routes: []string{}}
		for _, r := range shim.Routes {
			sj.Routes = append(sj.Routes, r.Dst.String())
		}
	}
	if o.JSON {
		return json.NewEncoder(w).Encode(outJSON{Profile: o.Profile, Result: res.String(), ServerVersion: server.Environment.ServerVersion, YAML: string(y), Shim: sj})
	}
	fmt.Fprintf(w, "# profile %s: %s on LXD %s; launch with: lxc launch IMAGE NAME -p %s\n", o.Profile, res, server.Environment.ServerVersion, o.Profile)
	if sj != nil {
		what := "unchanged"
		switch {
		case sj.Created:
			what = "created"
		case sj.Changed:
			what = "completed"
		}
		fmt.Fprintf(w, "# host shim %s on %s (mac %s): %s; routes %v\n", sj.Name, sj.Parent, sj.MAC, what, sj.Routes)
	}
	_, err = w.Write(y)
	return err
}
