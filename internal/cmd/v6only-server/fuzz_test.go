package v6onlyserver

import (
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
)

type flatLease struct {
	MAC, Addr string
	Expires   int64
}

func flatten(ls []lease) []flatLease {
	out := make([]flatLease, len(ls))
	for i, l := range ls {
		out[i] = flatLease{l.mac, l.addr.String(), l.expires.Unix()}
	}
	return out
}

// FuzzReadLeases: the lease file parser never panics, and what it reads
// survives compaction: written back and read again, the same leases.
func FuzzReadLeases(f *testing.F) {
	f.Add([]byte(leaseHeader + "ack 02:00:5e:00:53:01 192.0.2.100 1800000000\n"))
	f.Add([]byte("ack 02:00:5e:00:53:01 192.0.2.100 1800000000\nrelease 02:00:5e:00:53:01 192.0.2.100\n"))
	f.Add([]byte("ack 02:00:5e:00:53:01 192.0.2.100 1800000000\nack 02:00:5e:00:53:02 192.0.2.100 1800000001\nack 02:00:5e:00:53"))
	f.Add([]byte("ack 00:00:00:00:fe:80:00:00:00:00:00:00:02:00:5e:10:00:00:00:01 10.0.0.1 -1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		dir := t.TempDir()
		path := filepath.Join(dir, "l")
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		ls, err := readLeases(path)
		if err != nil {
			return
		}
		lf := &leaseFile{path: filepath.Join(dir, "c")}
		if err := lf.compact(slices.Values(ls)); err != nil {
			t.Fatal(err)
		}
		lf.f.Close()
		again, err := readLeases(lf.path)
		if err != nil {
			t.Fatalf("a compacted file does not read back: %v", err)
		}
		if diff := cmp.Diff(flatten(ls), flatten(again)); diff != "" {
			t.Errorf("leases changed through compaction (-before +after):\n%s", diff)
		}
	})
}
