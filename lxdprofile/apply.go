package lxdprofile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"

	lxd "github.com/canonical/lxd/client"
	"github.com/canonical/lxd/shared/api"
)

// ProfileServer is the part of the LXD client ([lxd.InstanceServer]) that
// Apply uses.
type ProfileServer interface {
	GetProfile(name string) (*api.Profile, string, error)
	CreateProfile(profile api.ProfilesPost) error
	UpdateProfile(name string, profile api.ProfilePut, ETag string) error
}

var _ ProfileServer = lxd.InstanceServer(nil)

// Errors Apply returns; test with errors.Is.
var (
	// ErrDiffers means the profile exists with other content and
	// ApplyOptions.Overwrite was not set.
	ErrDiffers = errors.New("lxdprofile: profile exists with different content (set Overwrite to replace it)")
	// ErrConflict means the profile changed since its ETag was read (HTTP
	// 412 Precondition Failed); *ConflictError carries the details.
	ErrConflict = errors.New("lxdprofile: profile changed since it was read (ETag mismatch)")
)

// ConflictError is an update refused with HTTP 412 because the profile's
// ETag no longer matched.
type ConflictError struct {
	Profile string
	ETag    string
	// Err is the server's error.
	Err error
}

func (e *ConflictError) Error() string {
	return fmt.Sprintf("lxdprofile: profile %q changed since ETag %q was read: %v", e.Profile, e.ETag, e.Err)
}

// Unwrap returns ErrConflict and the server's error.
func (e *ConflictError) Unwrap() []error { return []error{ErrConflict, e.Err} }

// ApplyOptions tune Apply.
type ApplyOptions struct {
	// Overwrite replaces a profile that exists with other content.
	Overwrite bool
	// IfMatch is an ETag the caller read earlier: the update happens only
	// if the profile is still at that version, and a profile that has moved
	// on is a *ConflictError whatever Overwrite says. Empty means the ETag
	// Apply reads itself.
	IfMatch string
	// Daemon is the daemon whose rules the profile is validated by
	// ([ValidateFor]). DetectDaemon (the zero value) takes the server's
	// own Daemon() when it has that method (a [*Client] does), else LXD.
	Daemon Daemon
}

// Result says what Apply did.
type Result int

// Results of Apply.
const (
	Unchanged Result = iota
	Created
	Updated
)

// String returns "unchanged", "created" or "updated".
func (r Result) String() string {
	switch r {
	case Created:
		return "created"
	case Updated:
		return "updated"
	}
	return "unchanged"
}

// Apply makes the server's profile p.Name equal to p: it validates p (see
// ApplyOptions.Daemon), creates
// the profile if it is missing, leaves it alone if it already has p's
// description, config and devices, and otherwise updates it with the ETag it
// read (or opts.IfMatch) when opts.Overwrite is set, or returns ErrDiffers.
// An update the server refuses with 412 returns a *ConflictError.
func Apply(ctx context.Context, srv ProfileServer, p Profile, opts ApplyOptions) (Result, error) {
	d := opts.Daemon
	if k, ok := srv.(interface{ Daemon() Daemon }); ok && d == DetectDaemon {
		d = k.Daemon()
	}
	if err := ValidateFor(d, p); err != nil {
		return Unchanged, err
	}
	if err := ctx.Err(); err != nil {
		return Unchanged, err
	}
	put := api.ProfilePut{Config: p.Config, Description: p.Description, Devices: devicesOut(p.Devices)}
	if put.Config == nil {
		put.Config = map[string]string{}
	}
	if put.Devices == nil {
		put.Devices = map[string]map[string]string{}
	}
	cur, etag, err := srv.GetProfile(p.Name)
	if api.StatusErrorCheck(err, http.StatusNotFound) {
		if opts.IfMatch != "" {
			return Unchanged, &ConflictError{Profile: p.Name, ETag: opts.IfMatch, Err: err}
		}
		if err := ctx.Err(); err != nil {
			return Unchanged, err
		}
		if err := srv.CreateProfile(api.ProfilesPost{ProfilePut: put, Name: p.Name}); err != nil {
			return Unchanged, fmt.Errorf("lxdprofile: create profile %q: %w", p.Name, err)
		}
		return Created, nil
	}
	if err != nil {
		return Unchanged, fmt.Errorf("lxdprofile: get profile %q: %w", p.Name, err)
	}
	switch {
	case opts.IfMatch != "" && opts.IfMatch != etag:
		// The profile moved on since the caller read it. Send the update
		// anyway with the caller's ETag: the server is the judge, and
		// answers 412.
		etag = opts.IfMatch
	case FromAPI(cur).Equal(p):
		return Unchanged, nil
	case !opts.Overwrite:
		return Unchanged, fmt.Errorf("%w: %q", ErrDiffers, p.Name)
	}
	if err := ctx.Err(); err != nil {
		return Unchanged, err
	}
	if err := srv.UpdateProfile(p.Name, put, etag); err != nil {
		if api.StatusErrorCheck(err, http.StatusPreconditionFailed) {
			return Unchanged, &ConflictError{Profile: p.Name, ETag: etag, Err: err}
		}
		return Unchanged, fmt.Errorf("lxdprofile: update profile %q: %w", p.Name, err)
	}
	return Updated, nil
}

// FromAPI converts the LXD client's profile.
func FromAPI(a *api.Profile) Profile {
	p := Profile{Name: a.Name, Description: a.Description, Project: a.Project, UsedBy: slices.Clone(a.UsedBy)}
	if len(a.Config) > 0 {
		p.Config = a.Config
	}
	if len(a.Devices) > 0 {
		p.Devices = make(map[string]Device, len(a.Devices))
		for k, d := range a.Devices {
			p.Devices[k] = d
		}
	}
	if len(p.UsedBy) == 0 {
		p.UsedBy = nil
	}
	return p.Clone()
}

// DevicesFromAPI converts an instance's devices (api.Instance.Devices or
// ExpandedDevices).
func DevicesFromAPI(in map[string]map[string]string) map[string]Device {
	out := make(map[string]Device, len(in))
	for k, d := range in {
		out[k] = Device(d)
	}
	return out
}

// ServerLayout asks the server for its version and daemon and returns the
// layout its client's `profile show` prints: LXD's by version, Incus's
// whatever the version (see [LayoutOf]). A server whose environment.server
// names neither is an error wrapping [ErrUnknownDaemon].
func ServerLayout(srv lxd.InstanceServer) (Layout, error) {
	s, _, err := srv.GetServer()
	if err != nil {
		return 0, fmt.Errorf("lxdprofile: get server: %w", err)
	}
	d, err := DaemonOf(s.Environment.Server)
	if err != nil {
		return 0, err
	}
	return LayoutOf(d, s.Environment.ServerVersion)
}
