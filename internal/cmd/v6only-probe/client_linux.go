package v6onlyprobe

import (
	"errors"
	"time"

	"github.com/insomniacslk/dhcp/dhcpv4/nclient4"
	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// newClient opens an nclient4 client (a raw socket) on ifname, retrying
// the DISCOVER every second for timeout.
func newClient(ifname string, timeout time.Duration) (dhcpv4opt108.Discoverer, func() error, error) {
	c, err := nclient4.New(ifname, nclient4.WithTimeout(time.Second), nclient4.WithRetry(int(timeout/time.Second)+1))
	if err != nil {
		return nil, nil, err
	}
	return c, c.Close, nil
}

func isNoResponse(err error) bool { return errors.Is(err, nclient4.ErrNoResponse) }
