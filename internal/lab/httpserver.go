//go:build linux

package lab

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"time"
)

// ServeHTTP serves body at every path on addr (as "198.51.100.2:80") from
// inside n, and returns what stops it. It stands for a server of the IPv4
// internet that a NAT64 test fetches from.
func (n *Netns) ServeHTTP(addr netip.AddrPort, body string) (stop func(), err error) {
	var ln net.Listener
	if err := n.Run(func() error {
		var err error
		ln, err = net.Listen("tcp", addr.String())
		return err
	}); err != nil {
		return nil, fmt.Errorf("lab: serve http on %s in %s: %w", addr, n.Name, err)
	}
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("X-Client", r.RemoteAddr)
			_, _ = io.WriteString(w, body)
		}),
		ReadHeaderTimeout: 5 * time.Second,
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return
		}
	}()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		<-done
	}, nil
}

// Fetch GETs / from dst, as served by ServeHTTP, and returns the body and
// the client address the server saw (its X-Client header; the zero Addr
// when it sent none that parses). It dials on the calling goroutine, so a
// caller inside Netns.Run fetches from inside the namespace
// (http.Transport would dial from another thread, outside it).
func Fetch(ctx context.Context, dst netip.AddrPort) (body string, client netip.Addr, err error) {
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", dst.String())
	if err != nil {
		return "", netip.Addr{}, err
	}
	defer c.Close()
	if dl, ok := ctx.Deadline(); ok {
		_ = c.SetDeadline(dl)
	}
	req, err := http.NewRequestWithContext(ctx, "GET", "http://"+dst.String()+"/", nil)
	if err != nil {
		return "", netip.Addr{}, err
	}
	req.Close = true
	if err := req.Write(c); err != nil {
		return "", netip.Addr{}, err
	}
	resp, err := http.ReadResponse(bufio.NewReader(c), req)
	if err != nil {
		return "", netip.Addr{}, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if ap, perr := netip.ParseAddrPort(resp.Header.Get("X-Client")); perr == nil {
		client = ap.Addr().Unmap()
	}
	return string(b), client, err
}
