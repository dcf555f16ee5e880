package ripng

import (
	"context"
	"errors"
	"fmt"
	"net"
	"syscall"

	"golang.org/x/sys/unix"
)

// listenUDP opens UDP port 521 on ifname only (SO_BINDTODEVICE), sharing
// the port with the sockets of other interfaces (SO_REUSEADDR).
func listenUDP(ifname string) (*net.UDPConn, error) {
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			if serr = unix.SetsockoptInt(int(fd), unix.SOL_SOCKET, unix.SO_REUSEADDR, 1); serr != nil {
				return
			}
			serr = unix.BindToDevice(int(fd), ifname)
		})
		return errors.Join(err, serr)
	}}
	pconn, err := lc.ListenPacket(context.Background(), "udp6", fmt.Sprintf("[::]:%d", Port))
	if err != nil {
		if errors.Is(err, unix.EACCES) || errors.Is(err, unix.EPERM) {
			return nil, errors.New("needs CAP_NET_BIND_SERVICE (port 521) and CAP_NET_RAW (SO_BINDTODEVICE): run as root or setcap cap_net_bind_service,cap_net_raw+ep")
		}
		return nil, err
	}
	return pconn.(*net.UDPConn), nil
}
