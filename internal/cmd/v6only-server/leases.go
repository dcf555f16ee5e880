package v6onlyserver

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"iter"
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

// Group commit: while Run serves, records go through a queue to one
// syncer goroutine, which writes every record waiting, syncs once, and
// only then calls each record's done, which sends its ACK. An ACK still
// waits for its lease to be on disk, but the workers go on answering
// while the disk syncs, and one sync carries all the ACKs that arrived
// meanwhile. Releases go through the same queue, so the file keeps the
// order of events.

// queueLen bounds the records waiting for a sync; a worker that finds the
// queue full waits (the socket's buffer holds what arrives meanwhile).
const queueLen = 256

type leaseFile struct {
	path    string
	lock    *os.File // path + ".lock", held while the file is open (nil: no flock here)
	mu      sync.Mutex
	f       *os.File
	records int
	// live yields the live leases, from the pool under its lock: no list
	// of them is built, for compacting a large pool in little memory.
	live func() iter.Seq[lease]
	// compactAfter is compactAfter; tests lower it.
	compactAfter int
	lastLive     int // live leases when last listed

	queue chan record // nil unless the syncer runs
	done  chan struct{}
}

// record is one line for the file, an ack or a release of l, and what to
// do once it is on disk (or could not be put there).
type record struct {
	l       lease
	release bool
	done    func(error)
}

// appendRecord appends r's line.
func appendRecord(b []byte, r *record) []byte {
	if r.release {
		b = append(b, "release "...)
	} else {
		b = append(b, "ack "...)
	}
	b = append(b, r.l.mac...)
	b = append(b, ' ')
	b = r.l.addr.AppendTo(b)
	if !r.release {
		b = append(b, ' ')
		b = strconv.AppendInt(b, r.l.expires.Unix(), 10)
	}
	return append(b, '\n')
}

// errLeasesInUse is what openLeases returns when another server holds the
// lease file: two servers appending to one file would hand out each
// other's addresses after a restart.
var errLeasesInUse = errors.New("in use by another v6only-server")

// openLeases locks path (see lockLeases), reads it (if it exists) into p,
// compacts it and opens it for appending. Its directory is created when
// missing.
func openLeases(path string, p *pool, now time.Time) (*leaseFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		if errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("lease file %q: %w; run as root or give -leases FILE in a directory you can write", path, err)
		}
		return nil, fmt.Errorf("lease file %q: %w", path, err)
	}
	lock, err := lockLeases(path)
	if err != nil {
		return nil, err
	}
	ls, err := readLeases(path)
	if err != nil {
		closeLock(lock)
		return nil, err
	}
	for _, l := range ls {
		p.restore(l, now)
	}
	lf := &leaseFile{path: path, lock: lock, live: func() iter.Seq[lease] { return p.each(time.Now()) }, compactAfter: compactAfter}
	if err := lf.compact(p.each(now)); err != nil {
		closeLock(lock)
		return nil, err
	}
	return lf, nil
}

// closeLock releases a lock lockLeases took, if any.
func closeLock(f *os.File) {
	if f != nil {
		f.Close()
	}
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
	mac, ok := parseHWAddr(f[1])
	if !ok {
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

func ackRecord(l lease) string { return string(appendRecord(nil, &record{l: l})) }

// compact replaces the file by one holding ls, by write-then-rename, and
// reopens it for appending. The caller holds lf.mu or is the only user.
func (lf *leaseFile) compact(ls iter.Seq[lease]) error {
	tmp := lf.path + ".tmp"
	n, err := writeSynced(tmp, ls)
	if err != nil {
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
	lf.f, lf.records, lf.lastLive = f, 0, n
	return nil
}

// writeSynced writes the header and ls to path through a small buffer,
// so compacting a large pool builds no copy of the file in memory, syncs
// it, and returns how many leases it wrote.
func writeSynced(path string, ls iter.Seq[lease]) (int, error) {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return 0, err
	}
	w := bufio.NewWriter(f)
	w.WriteString(leaseHeader)
	var line []byte
	n := 0
	for l := range ls {
		line = appendRecord(line[:0], &record{l: l})
		w.Write(line)
		n++
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return 0, err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return 0, err
	}
	return n, f.Close()
}

// commit makes an acknowledged lease durable: it returns once the record
// is on disk. A nil leaseFile keeps leases in memory only.
func (lf *leaseFile) commit(l lease) error {
	if lf == nil {
		return nil
	}
	if lf.queue == nil {
		lf.mu.Lock()
		defer lf.mu.Unlock()
		return lf.write([]byte(ackRecord(l)), 1, true)
	}
	c := make(chan error, 1)
	lf.queue <- record{l: l, done: func(err error) { c <- err }}
	return <-c
}

// commitThen makes an acknowledged lease durable and then calls done with
// nil, or with the error that kept it from the disk; without the syncer
// (or without a file) it does so before returning.
func (lf *leaseFile) commitThen(l lease, done func(error)) {
	if lf == nil {
		done(nil)
		return
	}
	if lf.queue == nil {
		done(lf.commit(l))
		return
	}
	lf.queue <- record{l: l, done: done}
}

// release records that mac gave addr back. It is not synced: losing it
// in a crash only keeps the address reserved until the lease expires.
// Through the syncer, a write error reaches fail.
func (lf *leaseFile) release(mac string, addr netip.Addr, fail func(error)) error {
	if lf == nil {
		return nil
	}
	r := record{l: lease{mac: mac, addr: addr}, release: true}
	if lf.queue != nil {
		r.done = func(err error) {
			if err != nil {
				fail(err)
			}
		}
		lf.queue <- r
		return nil
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	return lf.write(appendRecord(nil, &r), 1, false)
}

// write appends n records' lines to the file, syncs it when sync is set,
// and compacts it when it has grown enough. The caller holds lf.mu.
func (lf *leaseFile) write(lines []byte, n int, sync bool) error {
	if _, err := lf.f.Write(lines); err != nil {
		return fmt.Errorf("lease file %q: write: %w", lf.path, err)
	}
	if sync {
		if err := lf.f.Sync(); err != nil {
			return fmt.Errorf("lease file %q: sync: %w", lf.path, err)
		}
	}
	lf.records += n
	// The live leases are counted again only once the log has grown past
	// the threshold they set last time, and listed only to compact:
	// listing them for every write allocated a list of the whole pool per
	// write.
	if lf.records > 2*lf.lastLive+lf.compactAfter {
		lf.lastLive = 0
		for range lf.live() {
			lf.lastLive++
		}
		if lf.records > 2*lf.lastLive+lf.compactAfter {
			return lf.compact(lf.live())
		}
	}
	return nil
}

// start runs the syncer until stop, which returns once every record
// queued before it was called is written and its done called.
func (lf *leaseFile) start() (stop func()) {
	if lf == nil {
		return func() {}
	}
	lf.queue, lf.done = make(chan record, queueLen), make(chan struct{})
	go lf.syncer()
	return func() {
		close(lf.queue)
		<-lf.done
	}
}

// syncer writes what the queue holds in one write and one sync, then
// calls the records' dones; after an error it fails every record.
func (lf *leaseFile) syncer() {
	defer close(lf.done)
	var (
		batch []record
		lines []byte
		err   error
	)
	for r := range lf.queue {
		batch = append(batch[:0], r)
	more:
		for len(batch) < queueLen {
			select {
			case r, ok := <-lf.queue:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		if err == nil {
			lines = lines[:0]
			for i := range batch {
				lines = appendRecord(lines, &batch[i])
			}
			lf.mu.Lock()
			err = lf.write(lines, len(batch), true)
			lf.mu.Unlock()
		}
		for i := range batch {
			if batch[i].done != nil {
				batch[i].done(err)
			}
			batch[i] = record{} // the next batch reuses the array: keep no closure alive
		}
	}
}

// Close closes the file and releases its lock.
func (lf *leaseFile) Close() error {
	if lf == nil {
		return nil
	}
	lf.mu.Lock()
	defer lf.mu.Unlock()
	defer closeLock(lf.lock)
	return lf.f.Close()
}

// parseHWAddr reads a client hardware address as net.HardwareAddr's String
// writes it: 1 to 16 bytes (chaddr's size) of colon-separated hex.
// net.ParseMAC takes only 6, 8 or 20 bytes, so it would refuse a lease file
// that holds a client with another hlen.
func parseHWAddr(s string) (net.HardwareAddr, bool) {
	if len(s) < 2 || len(s) > 16*3-1 || (len(s)+1)%3 != 0 {
		return nil, false
	}
	mac := make(net.HardwareAddr, 0, (len(s)+1)/3)
	for i := 0; i < len(s); i += 3 {
		if i+2 < len(s) && s[i+2] != ':' {
			return nil, false
		}
		hi, ok1 := fromHex(s[i])
		lo, ok2 := fromHex(s[i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		mac = append(mac, hi<<4|lo)
	}
	return mac, true
}

func fromHex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}
