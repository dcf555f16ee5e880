package lxdprofile

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"syscall"

	"github.com/canonical/lxd/shared/api"
)

// ErrUntrusted means a daemon reached over HTTPS does not trust the client
// certificate (its /1.0 answer says "untrusted").
var ErrUntrusted = errors.New("lxdprofile: the daemon does not trust this client certificate")

// ErrWrongDaemon means the daemon on the socket is not the one asked for
// (DialOptions.Daemon).
var ErrWrongDaemon = errors.New("lxdprofile: the daemon on the socket is not the one asked for")

// Client is a small client of the REST API LXD and Incus share, over a unix
// socket or HTTPS with a client certificate: the handful of endpoints this
// package needs (/1.0, profiles, storage pools, instances). It satisfies
// [ProfileServer] and [PoolLister]. Unlike [ConnectUnix]'s LXD client it knows which daemon it
// talks to, and a program using it instead links about 2 MB less (see the
// package documentation). The context given to [Dial] bounds the dialling
// only: later requests keep its values but not its deadline or
// cancellation, so the usual Dial with a timeout and a deferred cancel
// leaves a working client. Close it when done.
type Client struct {
	ctx    context.Context
	socket string // or the URL
	base   string // "http://unix.socket" or the URL
	info   ServerInfo
	hc     *http.Client
}

// ServerInfo is what a daemon says about itself in its /1.0 answer.
type ServerInfo struct {
	// Daemon is LXD or Incus, from environment.server.
	Daemon Daemon
	// Version is environment.server_version, such as "5.0.2" or "6.0.4".
	Version string
	// APIExtensions are the daemon's api_extensions.
	APIExtensions []string
}

// DialOptions say which daemon [Dial] connects to.
type DialOptions struct {
	// Daemon is the daemon wanted; DetectDaemon (the zero value) takes
	// whichever answers and learns which from its /1.0 answer. A daemon of
	// the other kind is an error wrapping ErrWrongDaemon.
	Daemon Daemon
	// Socket is the daemon's unix socket; empty tries [SocketsFor]
	// Daemon in order.
	Socket string
	// URL, when set, is a remote daemon's HTTPS address, such as
	// "https://host:8443", reached with HTTPS's credentials; Socket is
	// then not used.
	URL string
	// HTTPS are the client certificate, the pinned server certificate and
	// the dialer for URL.
	HTTPS HTTPSOptions
}

// Dial connects to an LXD or Incus daemon on its unix socket, or at
// DialOptions.URL over HTTPS, and reads its /1.0 answer. When no socket
// answers the error wraps [ErrNoDaemon] and each socket's cause
// (errors.Is(err, fs.ErrNotExist) holds for a missing one), and names every
// socket tried with why it did not answer, in words ("/run/x.sock: answers,
// but not as LXD or Incus (HTTP 200, not JSON)"). Over HTTPS the client presents HTTPSOptions's
// certificate and accepts only the server certificate pinned there (the
// system's roots when none is); a daemon that does not trust the client is
// an error wrapping [ErrUntrusted]. It dials directly (or with
// HTTPSOptions.Dial), never through $HTTPS_PROXY.
func Dial(ctx context.Context, opts DialOptions) (*Client, error) {
	if opts.URL != "" {
		return dialHTTPS(ctx, opts)
	}
	tried := []string{opts.Socket}
	if opts.Socket == "" {
		tried = SocketsFor(opts.Daemon)
	}
	var why []error
	for _, p := range tried {
		if fi, err := os.Stat(p); err == nil && fi.Mode().Type() != os.ModeSocket {
			why = append(why, &socketError{path: p, daemon: opts.Daemon, err: syscall.ENOTSOCK})
			continue
		}
		c := newClient(ctx, p)
		err := c.hello(opts.Daemon)
		if err == nil {
			c.ctx = context.WithoutCancel(ctx)
			return c, nil
		}
		c.Close()
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if errors.Is(err, ErrWrongDaemon) || errors.Is(err, ErrUnknownDaemon) || errors.Is(err, ErrUntrusted) {
			return nil, err
		}
		why = append(why, &socketError{path: p, daemon: opts.Daemon, err: err})
	}
	return nil, &noDaemonError{daemon: opts.Daemon, tried: why}
}

func newClient(ctx context.Context, socket string) *Client {
	tr := &http.Transport{
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return (&net.Dialer{}).DialContext(ctx, "unix", socket)
		},
		DisableCompression: true,
	}
	return &Client{ctx: ctx, socket: socket, base: "http://unix.socket", hc: &http.Client{Transport: tr}}
}

// dialHTTPS is Dial over HTTPS.
func dialHTTPS(ctx context.Context, opts DialOptions) (*Client, error) {
	u, err := url.Parse(opts.URL)
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, fmt.Errorf("lxdprofile: %q is not an https://host:port URL", opts.URL)
	}
	cfg := &tls.Config{MinVersion: tls.VersionTLS12}
	if opts.HTTPS.ClientCert != "" || opts.HTTPS.ClientKey != "" {
		cert, err := tls.X509KeyPair([]byte(opts.HTTPS.ClientCert), []byte(opts.HTTPS.ClientKey))
		if err != nil {
			return nil, fmt.Errorf("lxdprofile: client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	if opts.HTTPS.ServerCert != "" {
		block, _ := pem.Decode([]byte(opts.HTTPS.ServerCert))
		if block == nil || block.Type != "CERTIFICATE" {
			return nil, errors.New("lxdprofile: server certificate: not a PEM certificate")
		}
		pinned := block.Bytes
		// The daemon's certificate is self-signed and names no host we
		// dial: trust exactly the pinned one, as lxc and incus do.
		cfg.InsecureSkipVerify = true
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || !bytes.Equal(cs.PeerCertificates[0].Raw, pinned) {
				return errors.New("lxdprofile: the server's certificate is not the pinned one")
			}
			return nil
		}
	}
	// No Proxy: the daemon is dialled directly, whatever $HTTPS_PROXY
	// says (the LXD client would use it).
	tr := &http.Transport{TLSClientConfig: cfg, DisableCompression: true}
	if opts.HTTPS.Dial != nil {
		tr.DialContext = opts.HTTPS.Dial
	}
	base := "https://" + u.Host
	c := &Client{ctx: ctx, socket: base, base: base, hc: &http.Client{Transport: tr}}
	if err := c.hello(opts.Daemon); err != nil {
		c.Close()
		if errors.Is(err, ErrWrongDaemon) || errors.Is(err, ErrUnknownDaemon) || errors.Is(err, ErrUntrusted) {
			return nil, err
		}
		return nil, fmt.Errorf("lxdprofile: connect %s: %w", base, err)
	}
	c.ctx = context.WithoutCancel(ctx)
	return c, nil
}

// hello reads /1.0 and checks the daemon is the one wanted.
func (c *Client) hello(want Daemon) error {
	var s api.Server
	if _, err := c.get("/1.0", &s); err != nil {
		return err
	}
	if s.Auth == "untrusted" {
		return fmt.Errorf("%w at %s", ErrUntrusted, c.socket)
	}
	d, err := DaemonOf(s.Environment.Server)
	if err != nil {
		return fmt.Errorf("%w (on %s)", err, c.socket)
	}
	if want != DetectDaemon && d != want {
		return fmt.Errorf("%w: %s answers as %s %s, not %s", ErrWrongDaemon, c.socket, d.Name(), s.Environment.ServerVersion, want.Name())
	}
	c.info = ServerInfo{Daemon: d, Version: s.Environment.ServerVersion, APIExtensions: s.APIExtensions}
	return nil
}

// Close closes the client's idle connections.
func (c *Client) Close() error {
	c.hc.CloseIdleConnections()
	return nil
}

// Socket returns the unix socket the client talks to, or its HTTPS URL.
func (c *Client) Socket() string { return c.socket }

// Server returns what the daemon said about itself when the client dialled.
func (c *Client) Server() ServerInfo { return c.info }

// Daemon returns LXD or Incus.
func (c *Client) Daemon() Daemon { return c.info.Daemon }

// Layout returns the layout the daemon's client prints profiles in.
func (c *Client) Layout() (Layout, error) { return LayoutOf(c.info.Daemon, c.info.Version) }

// GetProfile returns the profile called name and its ETag.
func (c *Client) GetProfile(name string) (*api.Profile, string, error) {
	var p api.Profile
	etag, err := c.get("/1.0/profiles/"+url.PathEscape(name), &p)
	if err != nil {
		return nil, "", err
	}
	return &p, etag, nil
}

// CreateProfile creates a profile.
func (c *Client) CreateProfile(p api.ProfilesPost) error {
	return c.send(http.MethodPost, "/1.0/profiles", p, "")
}

// UpdateProfile replaces a profile's description, config and devices; a
// non-empty etag makes the daemon refuse (412) a profile that changed since.
func (c *Client) UpdateProfile(name string, p api.ProfilePut, etag string) error {
	return c.send(http.MethodPut, "/1.0/profiles/"+url.PathEscape(name), p, etag)
}

// GetStoragePoolNames returns the names of the daemon's storage pools.
func (c *Client) GetStoragePoolNames() ([]string, error) {
	var urls []string
	if _, err := c.get("/1.0/storage-pools", &urls); err != nil {
		return nil, err
	}
	names := make([]string, 0, len(urls))
	for _, u := range urls {
		names = append(names, lastPathElem(u))
	}
	return names, nil
}

// GetInstance returns the instance called name (with its expanded config
// and devices) and its ETag.
func (c *Client) GetInstance(name string) (*api.Instance, string, error) {
	var in api.Instance
	etag, err := c.get("/1.0/instances/"+url.PathEscape(name), &in)
	if err != nil {
		return nil, "", err
	}
	return &in, etag, nil
}

// GetInstances returns every instance of a type (api.InstanceTypeAny for
// all) in the default project, with its expanded config and devices.
func (c *Client) GetInstances(t api.InstanceType) ([]api.Instance, error) {
	path := "/1.0/instances?recursion=1"
	if t != api.InstanceTypeAny {
		path += "&instance-type=" + url.QueryEscape(string(t))
	}
	var out []api.Instance
	if _, err := c.get(path, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// lastPathElem returns the unescaped last element of an API URL such as
// "/1.0/storage-pools/default".
func lastPathElem(u string) string {
	s := u[strings.LastIndexByte(u, '/')+1:]
	if v, err := url.PathUnescape(s); err == nil {
		return v
	}
	return s
}

func (c *Client) get(path string, out any) (string, error) {
	return c.do(http.MethodGet, path, nil, "", out)
}

func (c *Client) send(method, path string, in any, etag string) error {
	b, err := json.Marshal(in)
	if err != nil {
		return err
	}
	_, err = c.do(method, path, b, etag, nil)
	return err
}

// answerError is an HTTP answer that is not the API's: not JSON (err
// says why), or JSON of no response type the API has (typ). It keeps the
// status, so Dial can say what answers on a socket instead of a daemon.
type answerError struct {
	method, path string
	status       int
	typ          string
	err          error
}

func (e *answerError) Error() string {
	if e.err != nil {
		return fmt.Sprintf("lxdprofile: %s %s: answer is not the daemon's JSON (HTTP %d): %v", e.method, e.path, e.status, e.err)
	}
	return fmt.Sprintf("lxdprofile: %s %s: unexpected %q answer", e.method, e.path, e.typ)
}

func (e *answerError) Unwrap() error { return e.err }

// what says in a few words what the answer was instead of the API's.
func (e *answerError) what() string {
	var syntax *json.SyntaxError
	switch {
	case errors.Is(e.err, io.EOF):
		return "empty answer"
	case errors.As(e.err, &syntax):
		return "not JSON"
	}
	return "not the daemon's JSON"
}

// do makes one request and decodes a sync answer's metadata into out; an
// error answer is an api.StatusError (so api.StatusErrorCheck works as with
// the LXD client).
func (c *Client) do(method, path string, body []byte, etag string, out any) (string, error) {
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(c.ctx, method, c.base+path, rd)
	if err != nil {
		return "", err
	}
	req.Header.Set("User-Agent", "v6kit-lxdprofile")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if etag != "" {
		req.Header.Set("If-Match", etag)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var r api.Response
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&r); err != nil {
		return "", &answerError{method: method, path: path, status: resp.StatusCode, err: err}
	}
	switch r.Type {
	case api.ErrorResponse:
		code := r.Code
		if code == 0 {
			code = resp.StatusCode
		}
		return "", api.NewStatusError(code, r.Error)
	case api.SyncResponse:
	default:
		return "", &answerError{method: method, path: path, status: resp.StatusCode, typ: string(r.Type)}
	}
	if out != nil {
		if err := json.Unmarshal(r.Metadata, out); err != nil {
			return "", fmt.Errorf("lxdprofile: %s %s: %w", method, path, err)
		}
	}
	return resp.Header.Get("ETag"), nil
}
