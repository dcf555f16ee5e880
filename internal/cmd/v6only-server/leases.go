package v6onlyserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/netip"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// The lease file is an append log, one record a line, as dnsmasq's and
// Kea's memfile are:
//
//	ack 02:00:5e:00:53:01 192.0.2.100 1765000000     (MAC, address, expiry in Unix seconds)
//	release 02:00:5e:00:53:01 192.0.2.100
//
// Every ack is synced to disk before its DHCPACK is sent, so a client that
// saw an ACK finds its lease after any crash. A crash can leave a torn last
// line, which a reload ignores; the reload then compacts the file (the live
// leases written to FILE.tmp, synced, renamed over FILE, the directory
// synced), so a torn line never ends up in the middle.
const leaseHeader = "# v6only-server leases: ack MAC ADDR EXPIRES-UNIX | release MAC ADDR\n"

// compactAfter is how many records beyond twice the live leases the log
// grows before it is compacted while serving.
const compactAfter = 4096

type leaseFile struct {
	path    string
	mu      sync.Mutex
	f       *os.File
	records int
	live    func() []lease
	// compactAfter is compactAfter; tests lower it.
	compactAfter int
}

// openLeases reads path (if it exists) into p, compacts it and opens it
// for appending. Its directory is created when missing.
func openLeases(path string, p *pool, now time.Time) (*leaseFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("lease file %q: %w; run as root or give -leases FILE in a directory you can write", path, err)
		}
		return nil, fmt.Errorf("lease file %q: %w", path, err)
	}
	ls, err := readLeases(path)
	if err != nil {
		return nil, err
	}
	for _, l := range ls {
		p.restore(l, now)
	}
	lf := &leaseFile{path: path, live: func() []lease { return p.leases(time.Now()) }, compactAfter: compactAfter}
	if err := lf.compact(p.leases(now)); err != nil {
		return nil, err
	}
	return lf, nil
}

// readLeases returns the leases the log at path ends with, in order.
func readLeases(path string) ([]lease, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lease file %q: %w", path, err)
	}
	if i := bytes.LastIndexByte(b, '\n'); i+1 < len(b) {
		b = b[:i+1] // a torn last line: the write that never finished
	}
	byMAC := map[string]lease{}
	byAddr := map[netip.Addr]string{}
	var order []string
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 4096), 4096)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		rec, l, err := parseRecord(line)
		if err != nil {
			return nil, fmt.Errorf("lease file %q line %d: %v; fix or remove the file", path, n, err)
		}
		switch rec {
		case "ack":
			if other, ok := byAddr[l.addr]; ok && other != l.mac {
				delete(byMAC, other)
			}
			if old, ok := byMAC[l.mac]; ok && old.addr != l.addr {
				delete(byAddr, old.addr)
			}
			if _, ok := byMAC[l.mac]; !ok {
				order = append(order, l.mac)
			}
			byMAC[l.mac], byAddr[l.addr] = l, l.mac
		case "release":
			if old, ok := byMAC[l.mac]; ok && old.addr == l.addr {
				delete(byMAC, l.mac)
				delete(byAddr, l.addr)
			}
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("lease file %q: %w", path, err)
	}
	var ls []lease
	for _, mac := range order {
		if l, ok := byMAC[mac]; ok {
			ls = append(ls, l)
			delete(byMAC, mac) // once, even if re-added
		}
	}
	return ls, nil
}

func parseRecord(line string) (string, lease, error) {
	f := strings.Fields(line)
	bad := fmt.Errorf("%q is not \"ack MAC ADDR EXPIRES\" or \"release MAC ADDR\"", line)
	if len(f) < 3 || !(f[0] == "ack" && len(f) == 4 || f[0] == "release" && len(f) == 3) {
		return "", lease{}, bad
	}
	mac, err := net.ParseMAC(f[1])
	if err != nil {
		return "", lease{}, bad
	}
	addr, err := netip.ParseAddr(f[2])
	if err != nil || !addr.Is4() {
		return "", lease{}, bad
	}
	l := lease{mac: mac.String(), addr: addr}
	if f[0] == "ack" {
		s, err := strconv.ParseInt(f[3], 10, 64)
		if err != nil {
			return "", lease{}, bad
		}
		l.expires = time.Unix(s, 0)
	}
	return f[0], l, nil
}

func ackRecord(l lease) string {
	return "ack " + l.mac + " " + l.addr.String() + " " + strconv.FormatInt(l.expires.Unix(), 10) + "\n"
}

// compact replaces the file by one holding ls, by write-then-rename, and
// reopens it for appending. The caller holds lf.mu or is the only user.
func (lf *leaseFile) compact(ls []lease) error {
	tmp := lf.path + ".tmp"
	var b strings.Builder
	b.WriteString(leaseHeader)
	for _, l := range ls {
		b.WriteString(ackRecord(l))
	}
	if err := writeSynced(tmp, b.String()); err != nil {
		return fmt.Errorf("lease file %q: %w", tmp, err)
	}
	if err := os.Rename(tmp, lf.path); err != nil {
		return fmt.Errorf("lease file %q: %w", lf.path, err)
	}
	if d, err := os.Open(filepath.Dir(lf.path)); err == nil {
		err = d.Sync()
		d.Close()
		if err != nil {
			return fmt.Errorf("lease file %q: sync directory: %w", lf.path, err)
		}
	}
	f, err := os.OpenFile(lf.path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("lease file %q: %w", lf.path, err)
	}
	if lf.f != nil {
		lf.f.Close()
	}
	lf.f, lf.records = f, 0
	return nil
}

func writeSynced(path, s string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if _, err := f.WriteString(s); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// commit makes an acknowledged lease durable: it returns once the record
// is on disk. A nil leaseFile keeps leases in memory only.
func (lf *leaseFile) commit(l lease) error {
	if lf == nil {
		return nil
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if _, err := lf.f.WriteString(ackRecord(l)); err != nil {
		return fmt.Errorf("lease file %q: write: %w", lf.path, err)
	}
	if err := lf.f.Sync(); err != nil {
		return fmt.Errorf("lease file %q: sync: %w", lf.path, err)
	}
	lf.records++
	if lf.records > lf.compactAfter {
		if live := lf.live(); lf.records > 2*len(live)+lf.compactAfter {
			return lf.compact(live)
		}
	}
	return nil
}

// release records that mac gave addr back. It is not synced: losing it
// in a crash only keeps the address reserved until the lease expires.
func (lf *leaseFile) release(mac string, addr netip.Addr) error {
	if lf == nil {
		return nil
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	if _, err := lf.f.WriteString("release " + mac + " " + addr.String() + "\n"); err != nil {
		return fmt.Errorf("lease file %q: write: %w", lf.path, err)
	}
	lf.records++
	return nil
}

// Close closes the file.
func (lf *leaseFile) Close() error {
	if lf == nil {
		return nil
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.f.Close()
}
