// Command vendorgen turns Debian's ieee-data CSV registries (MA-L, MA-M,
// MA-S and IAB) into the compact, compressed vendor table that package
// discover embeds. Run it through `go generate ./discover`.
package main

import (
	"bytes"
	"cmp"
	"compress/flate"
	"encoding/binary"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

type entry struct {
	prefix uint64 // the assignment's bits, right-aligned
	name   string
}

func main() {
	in := flag.String("in", "/usr/share/ieee-data", "directory with oui.csv, mam.csv, oui36.csv, iab.csv")
	out := flag.String("out", "vendors.bin", "output file")
	flag.Parse()
	if err := run(*in, *out); err != nil {
		log.Fatal(err)
	}
}

func run(in, out string) error {
	tables := map[int][]entry{}
	for _, f := range []struct {
		file string
		bits int
	}{{"oui.csv", 24}, {"mam.csv", 28}, {"oui36.csv", 36}, {"iab.csv", 36}} {
		es, err := read(filepath.Join(in, f.file), f.bits)
		if err != nil {
			return err
		}
		tables[f.bits] = append(tables[f.bits], es...)
	}
	// Parts of about partSize bytes each, compressed alone, so that a
	// lookup inflates only its own: the whole table takes ~10 ms to
	// inflate, a part tens of microseconds. A part covers a range of the
	// 36-bit MAC prefix space and holds every block that intersects it (a
	// MA-L block cut by a part boundary is in both parts).
	type span struct {
		start, end uint64 // [start, end) in 36-bit space
		bits, bi   int
		e          entry
	}
	var spans []span
	for bi, bits := range []int{24, 28, 36} {
		es := tables[bits]
		slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.prefix, b.prefix) })
		es = slices.CompactFunc(es, func(a, b entry) bool { return a.prefix == b.prefix })
		for _, e := range es {
			start := e.prefix << (36 - bits)
			spans = append(spans, span{start, start + 1<<(36-bits), bits, bi, e})
		}
	}
	slices.SortFunc(spans, func(a, b span) int { return cmp.Compare(a.start, b.start) })
	starts := []uint64{0}
	size := 0
	for _, sp := range spans {
		if size > partSize && sp.start > starts[len(starts)-1] {
			starts = append(starts, sp.start)
			size = 0
		}
		size += len(sp.e.name) + 6
	}
	buf_ := []byte("v6kit-vendors-3\n")
	buf_ = binary.AppendUvarint(buf_, uint64(len(starts)))
	var zs [][]byte
	rawLen := 0
	for k, lo := range starts {
		hi := uint64(1) << 36
		if k+1 < len(starts) {
			hi = starts[k+1]
		}
		var tabs [3][]entry
		for _, sp := range spans {
			if sp.start < hi && sp.end > lo {
				tabs[sp.bi] = append(tabs[sp.bi], sp.e)
			}
		}
		raw := part(tabs)
		rawLen += len(raw)
		var buf bytes.Buffer
		w, err := flate.NewWriter(&buf, flate.BestCompression)
		if err != nil {
			return err
		}
		if _, err := w.Write(raw); err != nil {
			return err
		}
		if err := w.Close(); err != nil {
			return err
		}
		prev := uint64(0)
		if k > 0 {
			prev = starts[k-1]
		}
		buf_ = binary.AppendUvarint(buf_, lo-prev)
		buf_ = binary.AppendUvarint(buf_, uint64(buf.Len()))
		zs = append(zs, buf.Bytes())
	}
	for _, z := range zs {
		buf_ = append(buf_, z...)
	}
	fmt.Fprintf(os.Stderr, "vendorgen: %d+%d+%d blocks in %d parts, %d bytes raw, %d compressed\n",
		len(tables[24]), len(tables[28]), len(tables[36]), len(starts), rawLen, len(buf_))
	return os.WriteFile(out, buf_, 0o644)
}

// partSize is about how many bytes of names and blocks a part holds
// before compression.
const partSize = 16384

// part encodes one part: its names, deduplicated and sorted so the output
// is deterministic, then the 24-, 28- and 36-bit blocks, each list sorted
// and delta-coded, naming their vendor by index.
func part(tables [3][]entry) []byte {
	index := map[string]int{}
	var names []string
	for _, es := range tables {
		for _, e := range es {
			if _, ok := index[e.name]; !ok {
				index[e.name] = 0
				names = append(names, e.name)
			}
		}
	}
	slices.Sort(names)
	for i, n := range names {
		index[n] = i
	}
	var raw []byte
	raw = binary.AppendUvarint(raw, uint64(len(names)))
	for _, n := range names {
		raw = binary.AppendUvarint(raw, uint64(len(n)))
		raw = append(raw, n...)
	}
	for _, es := range tables {
		slices.SortFunc(es, func(a, b entry) int { return cmp.Compare(a.prefix, b.prefix) })
		es = slices.CompactFunc(es, func(a, b entry) bool { return a.prefix == b.prefix })
		raw = binary.AppendUvarint(raw, uint64(len(es)))
		var last uint64
		for _, e := range es {
			raw = binary.AppendUvarint(raw, e.prefix-last)
			raw = binary.AppendUvarint(raw, uint64(index[e.name]))
			last = e.prefix
		}
	}
	return raw
}

func read(path string, bits int) ([]entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.FieldsPerRecord = -1
	r.LazyQuotes = true
	var es []entry
	for line := 0; ; line++ {
		rec, err := r.Read()
		if err == io.EOF {
			return es, nil
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if line == 0 || len(rec) < 3 {
			continue // header
		}
		hex := strings.TrimSpace(rec[1])
		if len(hex)*4 != bits {
			return nil, fmt.Errorf("%s: assignment %q is not %d bits", path, hex, bits)
		}
		v, err := strconv.ParseUint(hex, 16, 64)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		name := strings.Join(strings.Fields(rec[2]), " ")
		if name == "" {
			continue
		}
		es = append(es, entry{prefix: v, name: name})
	}
}
