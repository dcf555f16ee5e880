// Package lxdcli is what the LXD programs (lxd-macvlan, lxd-dns) share:
// connecting to the daemon with an error line that says how to pick its
// socket.
package lxdcli

import (
	"context"
	"errors"
	"fmt"

	lxd "github.com/canonical/lxd/client"

	"github.com/v6kit/v6kit/lxdprofile"
)

// Connect connects to the LXD daemon on socket, or, when socket is empty,
// where the lxc client looks ([lxdprofile.ConnectUnix]). When none
// answers, the error (still wrapping [lxdprofile.ErrNoDaemon]) lists the
// sockets tried and says how to pick one: the -socket flag or LXD_DIR.
func Connect(ctx context.Context, socket string) (lxd.InstanceServer, error) {
	srv, err := lxdprofile.ConnectUnix(ctx, socket)
	switch {
	case err == nil:
		return srv, nil
	case errors.Is(err, lxdprofile.ErrNoDaemon) && socket != "":
		return nil, fmt.Errorf("%w; check -socket (a snap's is %s)", err, lxdprofile.SnapSocket)
	case errors.Is(err, lxdprofile.ErrNoDaemon):
		return nil, fmt.Errorf("%w; give the socket with -socket PATH or set LXD_DIR", err)
	}
	return nil, err
}
