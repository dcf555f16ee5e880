package v6onlyserver

import (
	"encoding/json"
	"fmt"
	"io"
	"net"
	"sync"

	"github.com/insomniacslk/dhcp/dhcpv4"
	"github.com/insomniacslk/dhcp/dhcpv4/server4"

	"github.com/v6kit/v6kit/dhcpv4opt108"
)

// Decision is one logged decision; the JSON keys are the program's
// contract (listed in the Help, pinned by testdata/decision.golden).
type Decision struct {
	Client      string `json:"client"`
	XID         string `json:"xid"`
	Request     string `json:"request"`
	Asked108    bool   `json:"asked_108"`
	Reply       string `json:"reply"`
	YIAddr      string `json:"yiaddr"`
	Option108   bool   `json:"option108"`
	V6OnlyWaitS *int64 `json:"v6only_wait_s"`
}

type logger struct {
	mu   sync.Mutex
	w    io.Writer
	json bool
	// fail ends Run on a write error: a closed stdout ends the program.
	fail func(error)
}

func (l *logger) log(d Decision) {
	l.mu.Lock()
	defer l.mu.Unlock()
	var err error
	if l.json {
		b, _ := json.Marshal(d)
		_, err = l.w.Write(append(b, '\n'))
	} else {
		asked := ""
		if d.Asked108 {
			asked = " (asks for 108)"
		}
		opt := "no option 108"
		if d.Option108 {
			opt = fmt.Sprintf("option 108 = %d s", *d.V6OnlyWaitS)
		}
		_, err = fmt.Fprintf(l.w, "%s from %s%s: %s %s, %s\n", d.Request, d.Client, asked, d.Reply, d.YIAddr, opt)
	}
	if err != nil {
		l.fail(err)
	}
}

// logged logs every reply h writes.
func logged(h server4.Handler, l *logger) server4.Handler {
	return func(conn net.PacketConn, peer net.Addr, req *dhcpv4.DHCPv4) {
		h(&logConn{PacketConn: conn, l: l, req: req}, peer, req)
	}
}

type logConn struct {
	net.PacketConn
	l   *logger
	req *dhcpv4.DHCPv4
}

func (c *logConn) WriteTo(b []byte, addr net.Addr) (int, error) {
	c.l.decision(c.req, b)
	return c.PacketConn.WriteTo(b, addr)
}

// reply logs the reply the fast path sends to req; both are wire bytes.
func (l *logger) reply(req, resp []byte) {
	if m, err := dhcpv4.FromBytes(req); err == nil {
		l.decision(m, resp)
	}
}

// decision logs the reply b to req.
func (l *logger) decision(req *dhcpv4.DHCPv4, b []byte) {
	resp, err := dhcpv4.FromBytes(b)
	if err != nil {
		return
	}
	d := Decision{
		Client:   req.ClientHWAddr.String(),
		XID:      req.TransactionID.String(),
		Request:  req.MessageType().String(),
		Asked108: dhcpv4opt108.Requested(req),
		Reply:    resp.MessageType().String(),
		YIAddr:   resp.YourIPAddr.String(),
	}
	if o, p := dhcpv4opt108.Lookup(resp); p == dhcpv4opt108.Valid {
		s := int64(o.Seconds)
		d.Option108, d.V6OnlyWaitS = true, &s
	}
	l.log(d)
}
