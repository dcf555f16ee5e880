package lxdmacvlan

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/v6kit/v6kit/internal/cli"
	"github.com/v6kit/v6kit/lxdprofile"
	"github.com/v6kit/v6kit/macvlan"
)

// run applies the macvlan profile p (and the shim) and prints the profile.
func run(ctx context.Context, o options, p lxdprofile.Profile, w io.Writer) error {
	// The parent (check found it) must be Ethernet, and, for a shim, not
	// wireless: refused before the daemon is contacted.
	if len(o.ifi.HardwareAddr) != 6 {
		return fmt.Errorf("interface %q is not an Ethernet link; give -parent the host's LAN interface, such as eth0", o.parent)
	}
	if o.shim {
		if err := macvlan.CheckWireless(o.sysRoot, o.parent); err != nil {
			return lineError(err)
		}
	}
	srv, err := o.daemon.Connect(ctx)
	if err != nil {
		return err
	}
	defer srv.Close()
	server := srv.Server()
	layout, err := srv.Layout()
	if err != nil {
		return lineError(err)
	}
	if err := lxdprofile.CheckPools(srv, p); err != nil {
		if errors.Is(err, lxdprofile.ErrNoPool) {
			return fmt.Errorf("-pool: %s; give one of them or create it with '%s storage create'", cli.Cause(err), server.Daemon.Command())
		}
		return lineError(err)
	}
	res, err := lxdprofile.Apply(ctx, srv, p, lxdprofile.ApplyOptions{Overwrite: o.overwrite})
	if err != nil {
		if errors.Is(err, lxdprofile.ErrDiffers) {
			return fmt.Errorf("profile %q exists with other content; rerun with -overwrite to replace it", p.Name)
		}
		return lineError(err)
	}
	var shim *macvlan.Shim
	if o.shim {
		shim, err = macvlan.Ensure(ctx, macvlan.Config{Parent: o.parent, IPv4: o.shimIPv4, SysRoot: o.sysRoot})
		if err != nil {
			return lineError(err)
		}
	}
	cur, _, err := srv.GetProfile(p.Name)
	if err != nil {
		return fmt.Errorf("profile %q: %w", p.Name, err)
	}
	y, err := lxdprofile.Render(lxdprofile.FromAPI(cur), layout)
	if err != nil {
		return lineError(err)
	}
	return write(w, outJSON{Profile: p.Name, Result: res.String(), Daemon: server.Daemon.String(), ServerVersion: server.Version, YAML: string(y), Shim: shimOut(shim)}, o.json)
}

// lineError names the capability when a privilege was missing; cli.Main
// drops the SDK's package names from the line.
func lineError(err error) error {
	if errors.Is(err, os.ErrPermission) {
		return fmt.Errorf("%w; needs CAP_NET_ADMIN for the shim and access to the daemon's socket: run as root", err)
	}
	return err
}

type outJSON struct {
	Profile       string    `json:"profile"`
	Result        string    `json:"result"`
	Daemon        string    `json:"daemon"`
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

func shimOut(shim *macvlan.Shim) *shimJSON {
	if shim == nil {
		return nil
	}
	sj := &shimJSON{Name: shim.Name, Parent: shim.Parent, MAC: shim.MAC.String(), Created: shim.Created, Changed: shim.Changed, Routes: []string{}}
	for _, r := range shim.Routes {
		sj.Routes = append(sj.Routes, r.Dst.String())
	}
	return sj
}

// write writes the outcome: one JSON object, or comment lines and the YAML.
func write(w io.Writer, out outJSON, asJSON bool) error {
	if asJSON {
		return json.NewEncoder(w).Encode(out)
	}
	var b strings.Builder
	d, _ := lxdprofile.ParseDaemon(out.Daemon)
	fmt.Fprintf(&b, "# profile %s: %s on %s %s; launch with: %s launch IMAGE NAME -p %s\n", out.Profile, out.Result, d.Name(), out.ServerVersion, d.Command(), out.Profile)
	if sj := out.Shim; sj != nil {
		what := "unchanged"
		switch {
		case sj.Created:
			what = "created"
		case sj.Changed:
			what = "completed"
		}
		fmt.Fprintf(&b, "# host shim %s on %s (mac %s): %s; routes %v\n", sj.Name, sj.Parent, sj.MAC, what, sj.Routes)
	}
	b.WriteString(out.YAML)
	_, err := io.WriteString(w, b.String())
	return err
}
