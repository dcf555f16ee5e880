package lxdprofile

import (
	"context"
	"errors"
	"maps"
	"net/http"
	"strconv"
	"testing"

	"github.com/canonical/lxd/shared/api"
)

// fakeServer keeps profiles and ETags like the daemon does.
type fakeServer struct {
	profiles map[string]api.Profile
	version  map[string]int
	calls    []string
}

func newFakeServer() *fakeServer {
	return &fakeServer{profiles: map[string]api.Profile{}, version: map[string]int{}}
}

func (f *fakeServer) etag(name string) string { return "etag-" + strconv.Itoa(f.version[name]) }

func (f *fakeServer) GetProfile(name string) (*api.Profile, string, error) {
	f.calls = append(f.calls, "get")
	p, ok := f.profiles[name]
	if !ok {
		return nil, "", api.NewStatusError(http.StatusNotFound, "Profile not found")
	}
	return &p, f.etag(name), nil
}

func (f *fakeServer) CreateProfile(p api.ProfilesPost) error {
	f.calls = append(f.calls, "create")
	if _, ok := f.profiles[p.Name]; ok {
		return api.NewStatusError(http.StatusConflict, "Profile already exists")
	}
	f.profiles[p.Name] = api.Profile{Name: p.Name, Description: p.Description, Config: maps.Clone(p.Config), Devices: p.Devices}
	f.version[p.Name]++
	return nil
}

func (f *fakeServer) UpdateProfile(name string, p api.ProfilePut, etag string) error {
	f.calls = append(f.calls, "update")
	if etag != "" && etag != f.etag(name) {
		return api.NewStatusError(http.StatusPreconditionFailed, "ETag doesn't match")
	}
	f.profiles[name] = api.Profile{Name: name, Description: p.Description, Config: p.Config, Devices: p.Devices}
	f.version[name]++
	return nil
}

func TestApply(t *testing.T) {
	ctx := context.Background()
	f := newFakeServer()
	p := Macvlan("eth0", "default")
	steps := []struct {
		name string
		p    Profile
		opts ApplyOptions
		want Result
		err  error
	}{
		{name: "create", p: p, want: Created},
		{name: "same again", p: p, want: Unchanged},
		{name: "differs", p: Macvlan("eth1", "default"), err: ErrDiffers},
		{name: "overwrite", p: Macvlan("eth1", "default"), opts: ApplyOptions{Overwrite: true}, want: Updated},
		{name: "stale etag", p: p, opts: ApplyOptions{Overwrite: true, IfMatch: "etag-1"}, err: ErrConflict},
		{name: "stale etag without overwrite", p: p, opts: ApplyOptions{IfMatch: "etag-1"}, err: ErrConflict},
		{name: "current etag", p: p, opts: ApplyOptions{Overwrite: true, IfMatch: "etag-2"}, want: Updated},
		{name: "invalid", p: *New("macvlan").AddDevice("eth0", Device{"type": "nic", "nictype": "macvlan"}), err: ErrMissingParent},
		{name: "etag of a missing profile", p: ExtBridge("br0"), opts: ApplyOptions{IfMatch: "etag-1"}, err: ErrConflict},
	}
	for _, s := range steps {
		got, err := Apply(ctx, f, s.p, s.opts)
		if !errors.Is(err, s.err) || got != s.want {
			t.Fatalf("%s: Apply = %v, %v; want %v, %v", s.name, got, err, s.want, s.err)
		}
		if errors.Is(err, ErrConflict) {
			var ce *ConflictError
			if !errors.As(err, &ce) || ce.Profile != s.p.Name {
				t.Errorf("%s: %v is not a *ConflictError for %s", s.name, err, s.p.Name)
			}
		}
	}
	if got := f.profiles["macvlan"].Devices["eth0"]["parent"]; got != "eth0" {
		t.Errorf("final parent %q, want eth0", got)
	}
	cctx, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := Apply(cctx, f, p, ApplyOptions{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply with a cancelled context = %v", err)
	}
	for r, s := range map[Result]string{Created: "created", Updated: "updated", Unchanged: "unchanged"} {
		if r.String() != s {
			t.Errorf("%d.String() = %q, want %q", r, r.String(), s)
		}
	}
}
