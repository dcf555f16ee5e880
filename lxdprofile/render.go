package lxdprofile

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"strconv"
	"strings"

	"gopkg.in/yaml.v2"
)

// Layout is the key order `lxc profile show` (or `incus profile show`)
// prints, which depends on the daemon and its version.
type Layout int

const (
	// Layout50 is LXD 5.0.x: config, description, devices, name, used_by.
	Layout50 Layout = iota
	// Layout521 is LXD 5.21 and later: name, description, config, devices,
	// used_by, project.
	Layout521
	// LayoutIncus is every Incus: config, description, devices, name,
	// used_by, project (LXD 5.0's order, with the project last).
	LayoutIncus
)

// String names the layout.
func (l Layout) String() string {
	switch l {
	case Layout50:
		return "lxd-5.0"
	case Layout521:
		return "lxd-5.21"
	case LayoutIncus:
		return "incus"
	}
	return "Layout(" + strconv.Itoa(int(l)) + ")"
}

// LayoutOf returns the layout of daemon d at version (api.Server's
// Environment.ServerVersion): [LayoutFor] the version for LXD,
// [LayoutIncus] for Incus whatever its version (Incus 6.0.4 is not LXD
// 6.0). DetectDaemon is an error: the version alone does not say which
// daemon it is.
func LayoutOf(d Daemon, version string) (Layout, error) {
	switch d {
	case LXD:
		return LayoutFor(version)
	case Incus:
		return LayoutIncus, nil
	}
	return 0, fmt.Errorf("lxdprofile: layout of version %q: say which daemon (LXD or Incus)", version)
}

// LayoutFor returns the layout of an LXD server version such as "5.0.2" or
// "5.21.1" (api.Server's Environment.ServerVersion). It knows LXD only: for
// a daemon that may be Incus use [LayoutOf] or [ServerLayout].
func LayoutFor(version string) (Layout, error) {
	f := strings.SplitN(version, ".", 3)
	if len(f) < 2 {
		return 0, fmt.Errorf("lxdprofile: unknown LXD version %q", version)
	}
	major, err1 := strconv.Atoi(f[0])
	minor, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || major < 0 || minor < 0 {
		return 0, fmt.Errorf("lxdprofile: unknown LXD version %q", version)
	}
	if major > 5 || (major == 5 && minor >= 21) {
		return Layout521, nil
	}
	return Layout50, nil
}

// profile50 is api.Profile as LXD 5.0 declares it; yaml.v2 writes struct
// fields in order and map keys sorted, as lxc does.
type profile50 struct {
	Config      any      `yaml:"config"`
	Description string   `yaml:"description"`
	Devices     any      `yaml:"devices"`
	Name        string   `yaml:"name"`
	UsedBy      []string `yaml:"used_by"`
}

// profile521 is api.Profile as LXD 5.21 and later declare it.
type profile521 struct {
	Name        string   `yaml:"name"`
	Description string   `yaml:"description"`
	Config      any      `yaml:"config"`
	Devices     any      `yaml:"devices"`
	UsedBy      []string `yaml:"used_by"`
	Project     string   `yaml:"project"`
}

// profileIncus is api.Profile as Incus declares it.
type profileIncus struct {
	Config      any      `yaml:"config"`
	Description string   `yaml:"description"`
	Devices     any      `yaml:"devices"`
	Name        string   `yaml:"name"`
	UsedBy      []string `yaml:"used_by"`
	Project     string   `yaml:"project"`
}

// profileIn accepts every layout.
type profileIn struct {
	Name               string                       `yaml:"name"`
	Description        string                       `yaml:"description"`
	Config             map[string]string            `yaml:"config"`
	Devices            map[string]map[string]string `yaml:"devices"`
	UsedBy             []string                     `yaml:"used_by"`
	Project            string                       `yaml:"project"`
	AccessEntitlements []string                     `yaml:"access_entitlements"`
}

func devicesOut(in map[string]Device) map[string]map[string]string {
	if in == nil {
		return nil
	}
	out := make(map[string]map[string]string, len(in))
	for k, d := range in {
		out[k] = d
	}
	return out
}

// Render returns p as `lxc profile show` (or `incus profile show`) prints it
// for the layout: YAML with the layout's key order, sorted keys, and lxc's
// quoting. UsedBy is printed as the daemon reports it ([] when empty); with
// Layout521 and LayoutIncus an empty Project prints as "default".
func Render(p Profile, layout Layout) ([]byte, error) {
	var v any
	switch layout {
	case Layout50:
		v = profile50{Config: ordered(p.Config), Description: p.Description, Devices: orderedDevices(p.Devices), Name: p.Name, UsedBy: p.UsedBy}
	case Layout521:
		project := p.Project
		if project == "" {
			project = "default"
		}
		v = profile521{Name: p.Name, Description: p.Description, Config: ordered(p.Config), Devices: orderedDevices(p.Devices), UsedBy: p.UsedBy, Project: project}
	case LayoutIncus:
		project := p.Project
		if project == "" {
			project = "default"
		}
		v = profileIncus{Config: ordered(p.Config), Description: p.Description, Devices: orderedDevices(p.Devices), Name: p.Name, UsedBy: p.UsedBy, Project: project}
	default:
		return nil, fmt.Errorf("lxdprofile: unknown layout %v", layout)
	}
	b, err := yaml.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("lxdprofile: render: %w", err)
	}
	return b, nil
}

// ErrSyntax is wrapped by the *ParseError of YAML that does not parse.
var ErrSyntax = errors.New("not a profile in YAML")

// ParseError reports input that does not parse: what was parsed, where,
// and why.
type ParseError struct {
	Type   string // what was being parsed: "profile"
	Offset int    // byte offset of the start of the line the YAML parser reports
	Err    error  // the cause, wrapping ErrSyntax; its text keeps the line number
}

func (e *ParseError) Error() string {
	return fmt.Sprintf("lxdprofile: parse %s at offset %d: %v", e.Type, e.Offset, e.Err)
}

// Unwrap returns the cause.
func (e *ParseError) Unwrap() error { return e.Err }

// Parse reads a profile in any layout (as `lxc profile show` or `incus
// profile show` prints it, or as `lxc profile edit` takes it). Empty config, devices and used_by come back
// nil. YAML that does not parse is a *ParseError wrapping ErrSyntax.
func Parse(b []byte) (Profile, error) {
	var in profileIn
	if err := yaml.UnmarshalStrict(b, &in); err != nil {
		msg := strings.TrimPrefix(err.Error(), "yaml: ")
		var te *yaml.TypeError
		if errors.As(err, &te) {
			msg = goTypes.Replace(strings.Join(te.Errors, "; "))
		}
		msg = oneLine.Replace(msg)
		return Profile{}, &ParseError{Type: "profile", Offset: lineOffset(b, yamlLine(msg)), Err: fmt.Errorf("%w: %s", ErrSyntax, msg)}
	}
	p := Profile{Name: in.Name, Description: in.Description, Project: in.Project}
	if len(in.Config) > 0 {
		p.Config = maps.Clone(in.Config)
	}
	if len(in.UsedBy) > 0 {
		p.UsedBy = in.UsedBy
	}
	if len(in.Devices) > 0 {
		p.Devices = make(map[string]Device, len(in.Devices))
		for k, d := range in.Devices {
			if d == nil {
				d = map[string]string{}
			}
			p.Devices[k] = d
		}
	}
	return p, nil
}

// goTypes turns the Go types in yaml's messages into what a user wrote.
var goTypes = strings.NewReplacer(
	" in type lxdprofile.profileIn", "",
	" into lxdprofile.profileIn", " into a profile (a map)",
	" into map[string]map[string]string", " into devices (a map of device maps)",
	" into map[string]string", " into a map",
	" into []string", " into a list",
	" into string", " into a string",
)

// oneLine escapes the line breaks of quoted input, so an error is one line.
var oneLine = strings.NewReplacer("\n", `\n`, "\r", `\r`)

// yamlLine returns the first line number yaml's message names ("line 2:"),
// or 0.
func yamlLine(msg string) int {
	i := strings.Index(msg, "line ")
	if i < 0 {
		return 0
	}
	rest := msg[i+len("line "):]
	j := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' })
	if j < 0 {
		j = len(rest)
	}
	n, _ := strconv.Atoi(rest[:j])
	return n
}

// lineOffset returns the byte offset where 1-based line n of b starts: 0
// for n <= 1, len(b) past the end.
func lineOffset(b []byte, n int) int {
	off := 0
	for ; n > 1; n-- {
		i := bytes.IndexByte(b[off:], '\n')
		if i < 0 {
			return len(b)
		}
		off += i + 1
	}
	return off
}
