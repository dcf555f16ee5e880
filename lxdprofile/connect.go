package lxdprofile

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"
)

// ErrNoDaemon means no LXD daemon answered on the unix sockets tried.
var ErrNoDaemon = errors.New("lxdprofile: no LXD daemon answers")

// ErrNoPool means a disk device names a storage pool the daemon does not
// have.
var ErrNoPool = errors.New("lxdprofile: storage pool not found")

// Sockets of a snap and of a packaged LXD, in the order the lxc client
// looks for them.
const (
	SnapSocket = "/var/snap/lxd/common/lxd/unix.socket"
	DebSocket  = "/var/lib/lxd/unix.socket"
)

// DefaultSockets returns the unix sockets [ConnectUnix] tries when it is
// given no path, as the lxc client finds its daemon: $LXD_SOCKET if set,
// else $LXD_DIR/unix.socket if LXD_DIR is set, else [SnapSocket] then
// [DebSocket].
func DefaultSockets() []string {
	if s := os.Getenv("LXD_SOCKET"); s != "" {
		return []string{s}
	}
	if d := os.Getenv("LXD_DIR"); d != "" {
		return []string{filepath.Join(d, "unix.socket")}
	}
	return []string{SnapSocket, DebSocket}
}

// ConnectUnix connects to the LXD daemon's unix socket at path, or, when
// path is empty, to the first of [DefaultSockets] that answers. When none
// answers the error wraps [ErrNoDaemon] and each socket's cause
// (errors.Is(err, fs.ErrNotExist) holds for a missing one), and names every
// socket tried with why it did not answer, in words. The LXD client keeps ctx for every later request:
// cancelling it ends the connection's usefulness, so pass a context that
// lives as long as the server value. Call Disconnect when done.
func ConnectUnix(ctx context.Context, path string) (lxd.InstanceServer, error) {
	tried := []string{path}
	if path == "" {
		tried = DefaultSockets()
	}
	var why []error
	for _, p := range tried {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Type() != os.ModeSocket {
			why = append(why, &socketError{path: p, daemon: LXD, err: syscall.ENOTSOCK})
			continue
		}
		srv, err := lxd.ConnectLXDUnixWithContext(ctx, p, &lxd.ConnectionArgs{UserAgent: "v6kit-lxdprofile"})
		if err == nil {
			return srv, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		why = append(why, &socketError{path: p, daemon: LXD, err: err})
	}
	return nil, &noDaemonError{daemon: LXD, tried: why}
}

// noDaemonError is ErrNoDaemon naming the daemon looked for and every
// socket tried with why it did not answer, "lxdprofile: no LXD daemon
// answers on /a: no such socket, /b: connection refused (…)". It wraps
// each socket's cause, so errors.Is(err, fs.ErrNotExist) and the like
// still work.
type noDaemonError struct {
	daemon Daemon
	tried  []error // *socketError, one per socket in the order tried
}

func (e *noDaemonError) Error() string {
	why := make([]string, len(e.tried))
	for i, err := range e.tried {
		why[i] = err.Error()
	}
	return fmt.Sprintf("lxdprofile: no %s daemon answers on %s", e.daemon.Name(), strings.Join(why, ", "))
}

func (e *noDaemonError) Is(target error) bool { return target == ErrNoDaemon }

func (e *noDaemonError) Unwrap() []error { return e.tried }

// socketError is why one unix socket did not answer as the daemon wanted:
// "PATH: REASON", in a user's words rather than the HTTP client's, with
// the cause wrapped for callers.
type socketError struct {
	path   string
	daemon Daemon
	err    error
}

func (e *socketError) Error() string { return e.path + ": " + connectCause(e.daemon, e.path, e.err) }

func (e *socketError) Unwrap() error { return e.err }

// connectCause says in a few words why the socket at path did not answer
// as daemon d: the reason a user acts on, never Go's HTTP text ("Get
// "http://unix.socket/1.0": read unix @->…") or a package prefix.
func connectCause(d Daemon, path string, err error) string {
	var (
		answer  *answerError
		status  api.StatusError
		syntax  *json.SyntaxError
		urlErr  *url.Error
		netErr  net.Error
		errno   syscall.Errno
		notThem = "answers, but not as " + d.Name()
	)
	switch {
	case errors.Is(err, syscall.ENOTSOCK):
		return "not a socket"
	case errors.Is(err, os.ErrNotExist):
		return "no such socket"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused (the daemon is not running)"
	case errors.Is(err, os.ErrPermission):
		return "permission denied (run as root or join the " + group(d, path) + " group)"
	case errors.As(err, &answer):
		return fmt.Sprintf("%s (HTTP %d, %s)", notThem, answer.status, answer.what())
	case errors.As(err, &status):
		return fmt.Sprintf("answers with an error (HTTP %d: %s)", status.Status(), status.Error())
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE),
		errors.As(err, &urlErr) && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) ||
			// net/http's own error value for a connection closed
			// before the request went out is unexported: its text.
			strings.Contains(urlErr.Err.Error(), "server closed idle connection")):
		return "connection closed"
	case errors.Is(err, os.ErrDeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "no answer in time"
	case errors.As(err, &urlErr) && strings.Contains(urlErr.Err.Error(), "malformed HTTP"):
		// net/http has no error value for a peer that does not speak
		// HTTP (an SSH server, say): its text is all there is.
		return notThem + " (not HTTP)"
	case errors.As(err, &syntax):
		// The LXD client's answers, which carry no HTTP status.
		return notThem + " (not JSON)"
	case errors.Is(err, io.EOF):
		return notThem + " (empty answer)"
	case errors.As(err, &errno):
		return errno.Error()
	}
	// Something else: its innermost text, without the wrappers that
	// carry Go's request line.
	for {
		inner := errors.Unwrap(err)
		if inner == nil {
			return err.Error()
		}
		err = inner
	}
}

// group is the group that may use daemon d's socket at path: lxd, or
// incus-admin (Incus's packages); both when neither says which.
func group(d Daemon, path string) string {
	switch {
	case d == LXD:
		return "lxd"
	case d == Incus:
		return "incus-admin"
	case strings.Contains(path, "incus"):
		return "incus-admin"
	case strings.Contains(path, "lxd"):
		return "lxd"
	}
	return "lxd or incus-admin"
}

// PoolLister is the part of the LXD client [CheckPools] uses.
type PoolLister interface {
	GetStoragePoolNames() ([]string, error)
}

var _ PoolLister = lxd.InstanceServer(nil)

// CheckPools returns an error wrapping [ErrNoPool] if one of p's disk
// devices names a storage pool srv does not have (LXD itself accepts such a
// profile and fails only when an instance starts; so does Incus); the error
// names the pools there are, and, when there are none, the command that
// makes one (incus for a [*Client] on Incus, else lxc).
func CheckPools(srv PoolLister, p Profile) error {
	var want []string
	for _, d := range p.Devices {
		if d["type"] == "disk" && d["pool"] != "" {
			want = append(want, d["pool"])
		}
	}
	if len(want) == 0 {
		return nil
	}
	have, err := srv.GetStoragePoolNames()
	if err != nil {
		return fmt.Errorf("lxdprofile: list storage pools: %w", err)
	}
	slices.Sort(want)
	for _, pool := range slices.Compact(want) {
		if slices.Contains(have, pool) {
			continue
		}
		cmd := "lxc"
		if k, ok := srv.(interface{ Daemon() Daemon }); ok {
			cmd = k.Daemon().Command()
		}
		there := "none; create one with '" + cmd + " storage create'"
		if len(have) > 0 {
			have = slices.Sorted(slices.Values(have))
			there = strings.Join(have, ", ")
		}
		return fmt.Errorf("%w: %q (pools: %s)", ErrNoPool, pool, there)
	}
	return nil
}

// HTTPSOptions are the credentials for a remote LXD on its HTTPS port (8443).
type HTTPSOptions struct {
	// ClientCert and ClientKey are the PEM client certificate and key the
	// server trusts (`lxc config trust add`).
	ClientCert, ClientKey string
	// ServerCert is the server's PEM certificate (server.crt), pinned.
	ServerCert string
	// Dial, when set, makes the TCP connections (a test dials inside a
	// network namespace).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// ConnectHTTPS connects to a remote LXD, such as "https://host:8443", with a
// client certificate. As with [ConnectUnix], the client keeps ctx for every
// later request.
func ConnectHTTPS(ctx context.Context, url string, opts HTTPSOptions) (lxd.InstanceServer, error) {
	args := &lxd.ConnectionArgs{
		TLSClientCert: opts.ClientCert,
		TLSClientKey:  opts.ClientKey,
		TLSServerCert: opts.ServerCert,
		UserAgent:     "v6kit-lxdprofile",
	}
	if opts.Dial != nil {
		args.TransportWrapper = func(t *http.Transport) lxd.HTTPTransporter {
			t.DialContext = opts.Dial
			t.DialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
				c, err := dialTLS(ctx, opts.Dial, network, addr, t.TLSClientConfig, false)
				if err != nil {
					// As the client does: retry naming the host we dialled.
					c, err = dialTLS(ctx, opts.Dial, network, addr, t.TLSClientConfig, true)
				}
				return c, err
			}
			return transport{t}
		}
	}
	srv, err := lxd.ConnectLXDWithContext(ctx, url, args)
	if err != nil {
		return nil, fmt.Errorf("lxdprofile: connect %s: %w", url, err)
	}
	return srv, nil
}

// transport adapts an *http.Transport to lxd.HTTPTransporter.
type transport struct{ t *http.Transport }

func (t transport) RoundTrip(r *http.Request) (*http.Response, error) { return t.t.RoundTrip(r) }

func (t transport) Transport() *http.Transport { return t.t }

// dialTLS is the LXD client's TLS dial over a caller's dialer.
func dialTLS(ctx context.Context, dial func(context.Context, string, string) (net.Conn, error), network, addr string, config *tls.Config, resetName bool) (net.Conn, error) {
	conn, err := dial(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	if resetName {
		host, _, err := net.SplitHostPort(addr)
		if err != nil {
			host = addr
		}
		config = config.Clone()
		config.ServerName = host
	}
	tc := tls.Client(conn, config)
	if err := tc.HandshakeContext(ctx); err != nil {
		conn.Close()
		return nil, err
	}
	if !config.InsecureSkipVerify {
		if err := tc.VerifyHostname(config.ServerName); err != nil {
			conn.Close()
			return nil, err
		}
	}
	return tc, nil
}
