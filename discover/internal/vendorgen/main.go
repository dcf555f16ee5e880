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
	// Names, deduplicated and sorted so the output is deterministic.
	index := map[string]int{}
	var names []string
	for _, bits := range []int{24, 28, 36} {
		for _, e := range tables[bits] {
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
	raw = append(raw, "v6kit-vendors-1\n"...)
	raw = binary.AppendUvarint(raw, uint64(len(names)))
	for _, n := range names {
		raw = binary.AppendUvarint(raw, uint64(len(n)))
		raw = append(raw, n...)
	}
	for _, bits := range []int{24, 28, 36} {
		es := tables[bits]
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
	fmt.Fprintf(os.Stderr, "vendorgen: %d names, %d+%d+%d blocks, %d bytes raw, %d compressed\n",
		len(names), len(tables[24]), len(tables[28]), len(tables[36]), len(raw), buf.Len())
	return os.WriteFile(out, buf.Bytes(), 0o644)
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
