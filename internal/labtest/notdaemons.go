package labtest

import (
	"io"
	"net"
	"net/http"
	"path/filepath"
	"testing"
)

// NotDaemons are unix sockets on which something other than LXD or Incus
// answers, each in its own way: what a user's -socket may point at by
// mistake. No daemon is involved, so they serve anywhere, without root.
type NotDaemons struct {
	HTML        string // a web server's page
	HTML404     string // a web server's 404
	Empty       string // HTTP 200 with no body
	Object      string // JSON, but not the daemon's ({})
	ErrorAnswer string // the daemon's error shape, 403
	Closes      string // accepts and closes at once
	SSH         string // not HTTP at all: an SSH banner
}

// ServeNotDaemons serves every NotDaemons socket in a temporary directory
// until the test ends.
func ServeNotDaemons(t testing.TB) NotDaemons {
	t.Helper()
	dir := t.TempDir()
	listen := func(name string) net.Listener {
		l, err := net.Listen("unix", filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return l
	}
	serve := func(name string, h http.HandlerFunc) string {
		l := listen(name)
		s := &http.Server{Handler: h}
		go s.Serve(l)
		t.Cleanup(func() { s.Close() })
		return l.Addr().String()
	}
	raw := func(name string, h func(net.Conn)) string {
		l := listen(name)
		t.Cleanup(func() { l.Close() })
		go func() {
			for {
				c, err := l.Accept()
				if err != nil {
					return
				}
				go func() { h(c); c.Close() }()
			}
		}()
		return l.Addr().String()
	}
	return NotDaemons{
		HTML:    serve("html", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "<html>hello</html>") }),
		HTML404: serve("html404", http.NotFound),
		Empty:   serve("empty", func(http.ResponseWriter, *http.Request) {}),
		Object:  serve("object", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "{}") }),
		ErrorAnswer: serve("error", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(http.StatusForbidden)
			io.WriteString(w, `{"type":"error","error_code":403,"error":"not authorized"}`)
		}),
		Closes: raw("closes", func(net.Conn) {}),
		// An SSH server's banner, after the request (so the client is
		// sure to read it) and until the client hangs up.
		SSH: raw("ssh", func(c net.Conn) {
			c.Read(make([]byte, 4096))
			io.WriteString(c, "SSH-2.0-OpenSSH_9.2\r\n")
			io.Copy(io.Discard, c)
		}),
	}
}
