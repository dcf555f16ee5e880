package lxdprofile

import (
	"context"
	"encoding/json"
	"errors"
	"net"
	"net/http"
	"path/filepath"
	"slices"
	"strconv"
	"sync"
	"testing"

	"github.com/canonical/lxd/shared/api"

	"github.com/v6kit/v6kit/internal/sdktest"
)

// fakeDaemon serves the endpoints Client uses on a unix socket in dir, as
// a daemon whose environment.server is server.
type fakeDaemon struct {
	mu       sync.Mutex
	server   string
	profiles map[string]api.Profile
	version  map[string]int
}

func startFake(t *testing.T, dir, server string) string {
	t.Helper()
	f := &fakeDaemon{server: server, profiles: map[string]api.Profile{}, version: map[string]int{}}
	path := filepath.Join(dir, server+".socket")
	l, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: f}
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return path
}

func reply(w http.ResponseWriter, etag string, code int, v any) {
	if etag != "" {
		w.Header().Set("ETag", etag)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	if code >= 400 {
		json.NewEncoder(w).Encode(map[string]any{"type": "error", "error": v, "error_code": code})
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"type": "sync", "status_code": 200, "metadata": v})
}

func (f *fakeDaemon) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case r.URL.Path == "/1.0":
		reply(w, "", 200, map[string]any{"api_extensions": []string{"instances"}, "environment": map[string]any{"server": f.server, "server_version": "6.0.4"}})
	case r.URL.Path == "/1.0/storage-pools":
		reply(w, "", 200, []string{"/1.0/storage-pools/default", "/1.0/storage-pools/fast%20ssd"})
	case r.URL.Path == "/1.0/instances" && r.URL.Query().Get("recursion") == "1":
		reply(w, "", 200, []api.Instance{{Name: "web", ExpandedConfig: map[string]string{"volatile.eth0.hwaddr": "10:66:6a:00:00:01"}}})
	case r.URL.Path == "/1.0/profiles" && r.Method == http.MethodPost:
		var p api.ProfilesPost
		if err := json.NewDecoder(r.Body).Decode(&p); err != nil {
			reply(w, "", 400, err.Error())
			return
		}
		f.profiles[p.Name] = api.Profile{Name: p.Name, Description: p.Description, Config: p.Config, Devices: p.Devices}
		f.version[p.Name]++
		reply(w, "", 200, nil)
	case len(r.URL.Path) > len("/1.0/profiles/") && r.URL.Path[:len("/1.0/profiles/")] == "/1.0/profiles/":
		name := r.URL.Path[len("/1.0/profiles/"):]
		p, ok := f.profiles[name]
		if !ok {
			reply(w, "", 404, "Profile not found")
			return
		}
		etag := strconv.Itoa(f.version[name])
		if r.Method == http.MethodPut {
			if m := r.Header.Get("If-Match"); m != "" && m != etag {
				reply(w, "", 412, "ETag doesn't match")
				return
			}
			var put api.ProfilePut
			json.NewDecoder(r.Body).Decode(&put)
			p.Description, p.Config, p.Devices = put.Description, put.Config, put.Devices
			f.profiles[name] = p
			f.version[name]++
			reply(w, "", 200, nil)
			return
		}
		reply(w, etag, 200, p)
	default:
		reply(w, "", 404, "not found")
	}
}

func TestDialDetects(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	for _, tt := range []struct {
		server string
		want   Daemon
		layout Layout
	}{{"incus", Incus, LayoutIncus}, {"lxd", LXD, Layout521}} {
		sock := startFake(t, dir, tt.server)
		c, err := Dial(ctx, DialOptions{Socket: sock})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		if c.Daemon() != tt.want || c.Server().Version != "6.0.4" || c.Socket() != sock {
			t.Errorf("%s: Dial = %v %+v", tt.server, c.Daemon(), c.Server())
		}
		// The same version is another layout on the other daemon.
		if l, err := c.Layout(); err != nil || l != tt.layout {
			t.Errorf("%s 6.0.4: Layout = %v, %v; want %v", tt.server, l, err, tt.layout)
		}
		if c, err := Dial(ctx, DialOptions{Socket: sock, Daemon: tt.want}); err != nil {
			t.Errorf("%s: Dial asking for it: %v", tt.server, err)
		} else {
			c.Close()
		}
	}
	_, err := Dial(ctx, DialOptions{Socket: filepath.Join(dir, "incus.socket"), Daemon: LXD})
	want := "lxdprofile: the daemon on the socket is not the one asked for: " + dir + "/incus.socket answers as Incus 6.0.4, not LXD"
	if !errors.Is(err, ErrWrongDaemon) || err.Error() != want {
		t.Errorf("Dial(LXD) on Incus = %v\nwant %s", err, want)
	}
	other := startFake(t, dir, "microcloud")
	if _, err := Dial(ctx, DialOptions{Socket: other}); !errors.Is(err, ErrUnknownDaemon) {
		t.Errorf("Dial on a third daemon = %v, want ErrUnknownDaemon", err)
	}
}

func TestClientApply(t *testing.T) {
	sock := startFake(t, t.TempDir(), "incus")
	ctx := context.Background()
	c, err := Dial(ctx, DialOptions{Socket: sock, Daemon: Incus})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p := Macvlan("eth0", "default")
	if res, err := Apply(ctx, c, p, ApplyOptions{}); err != nil || res != Created {
		t.Fatalf("Apply = %v, %v; want created", res, err)
	}
	if res, err := Apply(ctx, c, p, ApplyOptions{}); err != nil || res != Unchanged {
		t.Fatalf("Apply again = %v, %v; want unchanged", res, err)
	}
	_, etag, err := c.GetProfile(p.Name)
	if err != nil || etag == "" {
		t.Fatalf("GetProfile: etag %q, %v", etag, err)
	}
	q := Macvlan("eth1", "default")
	if res, err := Apply(ctx, c, q, ApplyOptions{Overwrite: true, IfMatch: etag}); err != nil || res != Updated {
		t.Fatalf("Apply with the current ETag = %v, %v; want updated", res, err)
	}
	_, err = Apply(ctx, c, p, ApplyOptions{Overwrite: true, IfMatch: etag})
	var ce *ConflictError
	if !errors.As(err, &ce) || !api.StatusErrorCheck(err, http.StatusPreconditionFailed) {
		t.Errorf("Apply with a stale ETag = %v, want a 412 *ConflictError", err)
	}
	// Apply validates by the client's daemon: Incus has no security.devlxd.
	p.Config = map[string]string{"security.devlxd": "false"}
	if _, err := Apply(ctx, c, p, ApplyOptions{Overwrite: true}); !errors.Is(err, ErrUnknownKey) {
		t.Errorf("Apply of security.devlxd on Incus = %v, want ErrUnknownKey", err)
	}
	if _, _, err := c.GetProfile("nope"); !api.StatusErrorCheck(err, http.StatusNotFound) {
		t.Errorf("GetProfile(nope) = %v, want a 404 StatusError", err)
	}
	pools, err := c.GetStoragePoolNames()
	if err != nil || !slices.Equal(pools, []string{"default", "fast ssd"}) {
		t.Errorf("GetStoragePoolNames = %q, %v", pools, err)
	}
	insts, err := c.GetInstances(api.InstanceTypeAny)
	if err != nil || len(insts) != 1 || insts[0].ExpandedConfig["volatile.eth0.hwaddr"] != "10:66:6a:00:00:01" {
		t.Errorf("GetInstances = %+v, %v", insts, err)
	}
}

func TestDialSaysWhatItTried(t *testing.T) {
	dir := t.TempDir()
	dead := sdktest.DeadSocket(t, dir)
	for _, k := range []string{"LXD_SOCKET", "LXD_DIR", "INCUS_SOCKET", "INCUS_DIR"} {
		t.Setenv(k, "")
	}
	tests := []struct {
		name   string
		daemon Daemon
		socket string
		env    map[string]string
		want   string
	}{
		{name: "incus default", daemon: Incus,
			env:  map[string]string{"INCUS_DIR": dir},
			want: "lxdprofile: no Incus daemon answers on " + dir + "/unix.socket: no such socket"},
		{name: "INCUS_SOCKET wins", daemon: Incus, env: map[string]string{"INCUS_DIR": dir, "INCUS_SOCKET": dead},
			want: "lxdprofile: no Incus daemon answers on " + dead + ": connection refused (the daemon is not running)"},
		{name: "lxd", daemon: LXD, env: map[string]string{"LXD_DIR": dir},
			want: "lxdprofile: no LXD daemon answers on " + dir + "/unix.socket: no such socket"},
		{name: "detect from env", env: map[string]string{"INCUS_DIR": dir, "LXD_SOCKET": dead},
			want: "lxdprofile: no LXD or Incus daemon answers on " + dir + "/unix.socket: no such socket, " + dead + ": connection refused (the daemon is not running)"},
		{name: "not a socket", socket: dir,
			want: "lxdprofile: no LXD or Incus daemon answers on " + dir + ": not a socket"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			_, err := Dial(context.Background(), DialOptions{Daemon: tt.daemon, Socket: tt.socket})
			if !errors.Is(err, ErrNoDaemon) || err.Error() != tt.want {
				t.Errorf("Dial = %v\nwant %s", err, tt.want)
			}
		})
	}
	if got := SocketsFor(DetectDaemon); !slices.Equal(got, []string{IncusSocket, SnapSocket, DebSocket}) {
		t.Errorf("SocketsFor(DetectDaemon) without env = %q", got)
	}
	if got := SocketsFor(Incus); !slices.Equal(got, []string{IncusSocket}) {
		t.Errorf("SocketsFor(Incus) without env = %q", got)
	}
}

func TestDaemonNames(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Daemon
		ok   bool
	}{{"lxd", LXD, true}, {"Incus", Incus, true}, {"", DetectDaemon, true}, {"detect", DetectDaemon, true}, {"lxc", DetectDaemon, false}} {
		got, err := ParseDaemon(tt.in)
		if got != tt.want || (err == nil) != tt.ok {
			t.Errorf("ParseDaemon(%q) = %v, %v", tt.in, got, err)
		}
		if tt.ok && tt.in != "" {
			if back, _ := ParseDaemon(got.String()); back != got {
				t.Errorf("ParseDaemon(%v.String()) = %v", got, back)
			}
		}
	}
	for _, tt := range []struct {
		server string
		want   Daemon
		ok     bool
	}{{"lxd", LXD, true}, {"incus", Incus, true}, {"", LXD, true}, {"microcloud", DetectDaemon, false}} {
		got, err := DaemonOf(tt.server)
		if got != tt.want || (err == nil) != tt.ok || (!tt.ok && !errors.Is(err, ErrUnknownDaemon)) {
			t.Errorf("DaemonOf(%q) = %v, %v", tt.server, got, err)
		}
	}
	if LXD.Command() != "lxc" || Incus.Command() != "incus" || Incus.GuestAPIKey() != "security.guestapi" || LXD.GuestAPIKey() != "security.devlxd" {
		t.Error("Command or GuestAPIKey")
	}
	if _, err := LayoutOf(DetectDaemon, "6.0.4"); err == nil {
		t.Error("LayoutOf(DetectDaemon) is not an error")
	}
	if l, _ := LayoutOf(LXD, "5.0.2"); l != Layout50 {
		t.Errorf("LayoutOf(LXD, 5.0.2) = %v", l)
	}
}

func TestDialHTTPSBadOptions(t *testing.T) {
	ctx := context.Background()
	for _, tt := range []struct {
		name string
		opts DialOptions
		want string
	}{
		{"http", DialOptions{URL: "http://host:8443"}, `lxdprofile: "http://host:8443" is not an https://host:port URL`},
		{"no host", DialOptions{URL: "https://"}, `lxdprofile: "https://" is not an https://host:port URL`},
		{"bad key pair", DialOptions{URL: "https://[::1]:8443", HTTPS: HTTPSOptions{ClientCert: "x", ClientKey: "y"}},
			"lxdprofile: client certificate: tls: failed to find any PEM data in certificate input"},
		{"bad server cert", DialOptions{URL: "https://[::1]:8443", HTTPS: HTTPSOptions{ServerCert: "not pem"}},
			"lxdprofile: server certificate: not a PEM certificate"},
	} {
		_, err := Dial(ctx, tt.opts)
		if err == nil || err.Error() != tt.want {
			t.Errorf("%s: Dial = %v\nwant %s", tt.name, err, tt.want)
		}
	}
}
