package discover

import (
	"bytes"
	"compress/flate"
	_ "embed" // the vendor table
	"encoding/binary"
	"fmt"
	"io"
	"net"
	"slices"
	"sync"
)

//go:generate go run ./internal/vendorgen -in /usr/share/ieee-data -out vendors.bin

// vendorTable is the IEEE registry (MA-L, MA-M, MA-S and IAB) from Debian's
// ieee-data, in parts compressed alone; see internal/vendorgen.
//
//go:embed vendors.bin
var vendorTable []byte

// LocallyAdministered is the vendor name given to MACs with the U/L bit set
// (IEEE 802, randomised and virtual MACs): no registry covers them.
const LocallyAdministered = "locally administered"

// Registry names (IEEE Registration Authority).
const (
	RegistryMAL   = "MA-L" // 24-bit OUI
	RegistryMAM   = "MA-M" // 28-bit
	RegistryMAS   = "MA-S" // 36-bit (and the older IAB blocks)
	RegistryLocal = "local"
)

// A Vendor is what the IEEE registry says about a MAC.
type Vendor struct {
	Name     string // organisation, or LocallyAdministered; "" when unknown
	Registry string // RegistryMAL, RegistryMAM, RegistryMAS, RegistryLocal or ""
	Bits     int    // length of the matching block: 24, 28 or 36
}

// Vendors is the vendor registry: longest-prefix match over the MA-L, MA-M
// and MA-S blocks. The zero value knows no vendor but still labels locally
// administered MACs. A Vendors is safe for concurrent use.
type Vendors struct {
	starts []uint64 // first 36-bit MAC prefix each part covers, ascending from 0
	parts  []vendorPart
}

// vendorPart is one part of the table, inflated at its first lookup.
type vendorPart struct {
	z    []byte // compressed
	once sync.Once
	set  *vendorSet // nil until inflated, or when corrupt
}

// vendorSet is an inflated part: names and blocks.
type vendorSet struct {
	names  []string
	blocks [3][]block // 24, 28, 36 bits
}

type block struct {
	prefix uint64
	name   uint32
}

var blockBits = [3]int{24, 28, 36}

// vendorMagic starts the embedded table.
const vendorMagic = "v6kit-vendors-3\n"

// LoadVendors returns the embedded registry. It reads only the table's
// index (microseconds); each of its parts, about 80 ranges of MAC
// prefixes, is inflated at the first lookup that needs it (about 100
// microseconds) and kept.
func LoadVendors() (*Vendors, error) { return parseVendorIndex(vendorTable) }

// parseVendorIndex splits the table into its compressed parts: a count,
// then per part the delta of its first 36-bit prefix and its compressed
// length, then the parts.
func parseVendorIndex(raw []byte) (*Vendors, error) {
	if !bytes.HasPrefix(raw, []byte(vendorMagic)) {
		return nil, &ParseError{Type: "vendor table", Err: fmt.Errorf("%w: bad magic", ErrBadVendorTable)}
	}
	b := raw[len(vendorMagic):]
	bad := func(what string) error {
		return &ParseError{Type: "vendor table", Offset: len(raw) - len(b), Err: fmt.Errorf("%w: %s", ErrBadVendorTable, what)}
	}
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	n, ok := next()
	if !ok || n == 0 || n > uint64(len(b)) {
		return nil, bad("part count")
	}
	v := &Vendors{starts: make([]uint64, n), parts: make([]vendorPart, n)}
	lens := make([]uint64, n)
	total, start := uint64(0), uint64(0)
	for i := range lens {
		d, ok1 := next()
		l, ok2 := next()
		if !ok1 || !ok2 || l > uint64(len(raw)) || (i > 0 && d == 0) || (i == 0 && d != 0) || d >= 1<<36 || start+d >= 1<<36 {
			return nil, bad("part index")
		}
		start += d
		v.starts[i], lens[i], total = start, l, total+l
	}
	if total != uint64(len(b)) {
		return nil, bad(fmt.Sprintf("parts of %d bytes in %d", total, len(b)))
	}
	for i, l := range lens {
		v.parts[i].z, b = b[:l:l], b[l:]
	}
	return v, nil
}

// part returns the inflated part covering a MAC's 36-bit prefix; nil if
// there is none or it is corrupt (a build error the tests catch).
func (v *Vendors) part(p36 uint64) *vendorSet {
	i, found := slices.BinarySearch(v.starts, p36)
	if !found {
		i--
	}
	if i < 0 || i >= len(v.parts) {
		return nil
	}
	p := &v.parts[i]
	p.once.Do(func() {
		raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(p.z)))
		if err != nil {
			return
		}
		p.set, _ = parseVendors(raw)
	})
	return p.set
}

// parseVendors decodes an inflated part: the names, then the 24-, 28- and
// 36-bit blocks, each delta-coded and naming its vendor by index.
func parseVendors(raw []byte) (*vendorSet, error) {
	b := raw
	bad := func(rest []byte, what string) error {
		return &ParseError{Type: "vendor table", Offset: len(raw) - len(rest), Err: fmt.Errorf("%w: %s", ErrBadVendorTable, what)}
	}
	next := func() (uint64, bool) {
		v, n := binary.Uvarint(b)
		if n <= 0 {
			return 0, false
		}
		b = b[n:]
		return v, true
	}
	nn, ok := next()
	if !ok || nn > uint64(len(b)) {
		return nil, bad(b, "name count")
	}
	// One string holds every name; each name is a slice of it.
	all := string(b)
	v := &vendorSet{names: make([]string, 0, nn)}
	for range nn {
		l, ok := next()
		if !ok || l > uint64(len(b)) {
			return nil, bad(b, "name")
		}
		o := len(all) - len(b)
		v.names = append(v.names, all[o:o+int(l)])
		b = b[l:]
	}
	for i := range v.blocks {
		n, ok := next()
		if !ok || n > uint64(len(b)) {
			return nil, bad(b, "block count")
		}
		bs := make([]block, 0, n)
		var last uint64
		for range n {
			d, ok1 := next()
			name, ok2 := next()
			if !ok1 || !ok2 || name >= uint64(len(v.names)) {
				return nil, bad(b, "block")
			}
			last += d
			bs = append(bs, block{prefix: last, name: uint32(name)})
		}
		v.blocks[i] = bs
	}
	return v, nil
}

// Lookup returns the vendor of mac: the longest registered block that
// covers it, or LocallyAdministered when the MAC's U/L bit is set. A
// multicast MAC or one that is not 6 bytes long gets the zero Vendor.
func (v *Vendors) Lookup(mac net.HardwareAddr) Vendor {
	if len(mac) != 6 || mac[0]&1 != 0 {
		return Vendor{}
	}
	if mac[0]&2 != 0 {
		return Vendor{Name: LocallyAdministered, Registry: RegistryLocal}
	}
	if v == nil {
		return Vendor{}
	}
	m := uint64(mac[0])<<40 | uint64(mac[1])<<32 | uint64(mac[2])<<24 | uint64(mac[3])<<16 | uint64(mac[4])<<8 | uint64(mac[5])
	set := v.part(m >> 12)
	if set == nil {
		return Vendor{}
	}
	for i := len(set.blocks) - 1; i >= 0; i-- {
		p := m >> (48 - blockBits[i])
		bs := set.blocks[i]
		if j, ok := slices.BinarySearchFunc(bs, p, func(b block, p uint64) int {
			switch {
			case b.prefix < p:
				return -1
			case b.prefix > p:
				return 1
			}
			return 0
		}); ok {
			reg := [3]string{RegistryMAL, RegistryMAM, RegistryMAS}[i]
			return Vendor{Name: set.names[bs[j].name], Registry: reg, Bits: blockBits[i]}
		}
	}
	return Vendor{}
}

// Name is Lookup(mac).Name.
func (v *Vendors) Name(mac net.HardwareAddr) string { return v.Lookup(mac).Name }
