package v6onlyprobe

import (
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// newClient opens an nclient4 client (a raw socket) on ifname, retrying
// the DISCOVER every second for timeout.
func newClient(ifname string, timeout time.Duration) (dhcpv4opt108.Discoverer, func() error, error) {
	c, err := nclient4.New(ifname, nclient4.WithTimeout(time.Second), nclient4.WithRetry(int(timeout/time.Second)+1))
	if err != nil {
		if errors.Is(err, os.ErrPermission) {
			return nil, nil, fmt.Errorf("interface %q: a raw socket needs CAP_NET_RAW: run as root or setcap cap_net_raw+ep", ifname)
		}
		return nil, nil, fmt.Errorf("interface %q: %w", ifname, err)
	}
	return c, c.Close, nil
}

func isNoResponse(err error) bool { return errors.Is(err, nclient4.ErrNoResponse) }
