package host

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/v6kit/v6kit/slaac"
)

// Read reads everything the running host uses to form ifname's SLAAC
// addresses (see the package documentation for what and where) and
// returns it with the manager that forms them: NetworkManager or
// systemd-networkd when they manage the interface, else the kernel.
func Read(ifname string) (*slaac.Host, error) {
	return reader{root: "/", link: readLink, nmVersion: nmVersion}.read(ifname)
}

// reader reads below root (a test's directory, or "/"), with the link and
// the NetworkManager version from the given functions.
type reader struct {
	root      string
	link      func(string) (*Link, error)
	nmVersion func() string
}

func (r reader) path(p string) string { return filepath.Join(r.root, p) }

// file reads a file below root, its error naming the path as the host
// has it.
func (r reader) file(p string) ([]byte, error) {
	b, err := os.ReadFile(r.path(p))
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	return b, nil
}

func (r reader) read(ifname string) (*slaac.Host, error) {
	if ifname == "" || strings.ContainsAny(ifname, "/\x00") || ifname == "." || ifname == ".." {
		return nil, fmt.Errorf("%w: %q", ErrNoInterface, ifname)
	}
	l, err := r.link(ifname)
	if err != nil {
		return nil, err
	}
	h := &slaac.Host{IfName: ifname, Index: l.Index, MAC: l.MAC, PermAddr: l.PermAddr}
	if h.Kernel, err = r.kernel(ifname); err != nil {
		return nil, wrapf(err, "slaac/host: %s", ifname)
	}
	if nm, err := r.networkManager(h); err != nil {
		return nil, wrapf(err, "slaac/host: %s: NetworkManager", ifname)
	} else if nm != nil {
		h.Manager, h.NM = slaac.ManagerNetworkManager, nm
		return h, nil
	}
	if nd, err := r.networkd(h); err != nil {
		return nil, wrapf(err, "slaac/host: %s: systemd-networkd", ifname)
	} else if nd != nil {
		h.Manager, h.Networkd = slaac.ManagerNetworkd, nd
	}
	return h, nil
}

// kernel reads the sysctls of slaac.KernelSysctls. An unset stable_secret
// answers EIO; a sysctl the kernel lacks (regen_min_advance before 6.10)
// takes its default.
func (r reader) kernel(ifname string) (slaac.KernelConf, error) {
	m := map[string]string{}
	for _, name := range slaac.KernelSysctls {
		p := "/proc/sys/net/ipv6/conf/" + ifname + "/" + name
		switch name {
		case "default/stable_secret":
			p = "/proc/sys/net/ipv6/conf/default/stable_secret"
		case "idgen_retries":
			p = "/proc/sys/net/ipv6/idgen_retries"
		case "retrans_time_ms":
			p = "/proc/sys/net/ipv6/neigh/" + ifname + "/retrans_time_ms"
		}
		b, err := r.file(p)
		switch {
		case err == nil:
			m[name] = string(b)
		case errors.Is(err, syscall.EIO) && strings.HasSuffix(name, "stable_secret"):
			// unset
		case errors.Is(err, fs.ErrNotExist) && name != "addr_gen_mode":
			// an older kernel: the default
		default:
			return slaac.KernelConf{}, err
		}
	}
	return slaac.ParseKernelConf(ifname, m)
}

// networkManager returns NetworkManager's configuration when it manages
// the device with an active connection, nil when it does not manage it.
func (r reader) networkManager(h *slaac.Host) (*slaac.NMHost, error) {
	p := "/run/NetworkManager/devices/" + strconv.Itoa(h.Index)
	b, err := r.file(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := slaac.ParseNMDeviceState(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if !st.Managed || st.ConnectionUUID == "" {
		return nil, nil
	}
	nm := &slaac.NMHost{}
	if nm.Conf, err = r.nmConf(); err != nil {
		return nil, err
	}
	if nm.ConnectionFile, nm.Connection, err = r.nmConnection(nm.Conf, st.ConnectionUUID); err != nil {
		return nil, err
	}
	key, err := r.file("/var/lib/NetworkManager/secret_key")
	if err != nil {
		return nil, err
	}
	mid := ""
	nm.HostIDFrom = "/var/lib/NetworkManager/secret_key"
	if b, err := r.file("/etc/machine-id"); err == nil {
		if _, err := slaac.ParseMachineID(string(b)); err == nil {
			mid = string(b)
			nm.HostIDFrom += " and /etc/machine-id"
		}
	}
	if nm.HostID, err = slaac.NMHostID(key, mid); err != nil {
		return nil, fmt.Errorf("/var/lib/NetworkManager/secret_key: %w", err)
	}
	if b, err := r.file("/proc/sys/kernel/random/boot_id"); err == nil {
		nm.BootID = strings.TrimSpace(string(b))
	}
	if v := r.nmVersion(); v != "" {
		nm.Version, _ = slaac.ParseNMVersion(v)
	}
	return nm, nil
}

// nmConf reads NetworkManager.conf, then the conf.d files of /usr/lib,
// /run and /etc in the order of their names (one in /etc hides one of the
// same name in /run or /usr/lib), as NetworkManager does.
func (r reader) nmConf() (slaac.NMConf, error) {
	var c slaac.NMConf
	if b, err := r.file("/etc/NetworkManager/NetworkManager.conf"); err == nil {
		if c, err = slaac.ParseNMConf(b); err != nil {
			return c, fmt.Errorf("/etc/NetworkManager/NetworkManager.conf: %w", err)
		}
	}
	byName := map[string]string{}
	for _, dir := range []string{"/usr/lib/NetworkManager/conf.d", "/run/NetworkManager/conf.d", "/etc/NetworkManager/conf.d"} {
		ents, _ := os.ReadDir(r.path(dir))
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".conf") {
				byName[e.Name()] = dir + "/" + e.Name()
			}
		}
	}
	names := make([]string, 0, len(byName))
	for n := range byName {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		b, err := r.file(byName[n])
		if err != nil {
			continue
		}
		more, err := slaac.ParseNMConf(b)
		if err != nil {
			return c, fmt.Errorf("%s: %w", byName[n], err)
		}
		c = c.Merge(more)
	}
	return c, nil
}

// nmConnection finds the keyfile profile with the UUID.
func (r reader) nmConnection(conf slaac.NMConf, uuid string) (string, slaac.NMConnection, error) {
	dirs := []string{"/etc/NetworkManager/system-connections", "/run/NetworkManager/system-connections", "/usr/lib/NetworkManager/system-connections"}
	if conf.KeyfilePath != "" {
		dirs = append([]string{conf.KeyfilePath}, dirs...)
	}
	for _, dir := range dirs {
		ents, _ := os.ReadDir(r.path(dir))
		for _, e := range ents {
			if e.IsDir() {
				continue
			}
			p := dir + "/" + e.Name()
			b, err := r.file(p)
			if err != nil {
				continue
			}
			c, err := slaac.ParseNMConnection(b)
			if err == nil && c.UUID == uuid {
				return p, c, nil
			}
		}
	}
	return "", slaac.NMConnection{}, fmt.Errorf("no keyfile profile with uuid %s in %s (ifcfg-rh and ifupdown profiles are not read)", uuid, strings.Join(dirs, ", "))
}

// networkd returns systemd-networkd's configuration when it has applied a
// .network file to the link, nil otherwise.
func (r reader) networkd(h *slaac.Host) (*slaac.NetworkdHost, error) {
	p := "/run/systemd/netif/links/" + strconv.Itoa(h.Index)
	b, err := r.file(p)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	st, err := slaac.ParseNetworkdLinkState(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p, err)
	}
	if st.NetworkFile == "" || st.AdminState == "unmanaged" || st.AdminState == "linger" {
		return nil, nil
	}
	nd := &slaac.NetworkdHost{NetworkFile: st.NetworkFile}
	if b, err = r.file(st.NetworkFile); err != nil {
		return nil, err
	}
	if nd.Network, err = slaac.ParseNetworkdNetwork(b); err != nil {
		return nil, fmt.Errorf("%s: %w", st.NetworkFile, err)
	}
	if b, err = r.file("/etc/machine-id"); err != nil {
		return nil, err
	}
	if nd.MachineID, err = slaac.ParseMachineID(string(b)); err != nil {
		return nil, fmt.Errorf("/etc/machine-id: %w", err)
	}
	return nd, nil
}

// nmBinaries are where NetworkManager is looked for after PATH: Debian's
// PATH for a user (and so `sudo -E`'s) has no sbin.
var nmBinaries = []string{"/usr/sbin/NetworkManager", "/sbin/NetworkManager"}

// nmVersion asks the NetworkManager binary for its version; "" when it
// cannot.
func nmVersion() string {
	bin, err := exec.LookPath("NetworkManager")
	for _, b := range nmBinaries {
		if err == nil {
			break
		}
		bin, err = exec.LookPath(b)
	}
	if err != nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, bin, "--version").Output()
	if err != nil {
		return ""
	}
	return strings.TrimSpace(string(out))
}

// wrapped is an error with context before it; the cause's own "slaac: "
// is dropped from the text, so the message names a package once.
type wrapped struct {
	context string
	err     error
}

func (w *wrapped) Error() string {
	msg := strings.ReplaceAll(strings.TrimPrefix(w.err.Error(), "slaac: "), ": slaac: ", ": ")
	return w.context + ": " + msg
}

func (w *wrapped) Unwrap() error { return w.err }

func wrapf(err error, format string, args ...any) error {
	return &wrapped{context: fmt.Sprintf(format, args...), err: err}
}
