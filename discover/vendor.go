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
)

//go:generate go run ./internal/vendorgen -in /usr/share/ieee-data -out vendors.bin

// vendorTable is the IEEE registry (MA-L, MA-M, MA-S and IAB) from Debian's
// ieee-data, compressed; see internal/vendorgen.
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
// administered MACs.
type Vendors struct {
	names  []string
	blocks [3][]block // 24, 28, 36 bits
}

type block struct {
	prefix uint64
	name   uint32
}

var blockBits = [3]int{24, 28, 36}

// LoadVendors decodes the embedded registry (a few milliseconds; keep the
// result).
func LoadVendors() (*Vendors, error) {
	raw, err := io.ReadAll(flate.NewReader(bytes.NewReader(vendorTable)))
	if err != nil {
		return nil, &ParseError{Type: "vendor table", Offset: len(raw), Err: fmt.Errorf("%w: %w", ErrBadVendorTable, err)}
	}
	return parseVendors(raw)
}

func parseVendors(raw []byte) (*Vendors, error) {
	const magic = "v6kit-vendors-1\n"
	if !bytes.HasPrefix(raw, []byte(magic)) {
		return nil, &ParseError{Type: "vendor table", Err: fmt.Errorf("%w: bad magic", ErrBadVendorTable)}
	}
	b := raw[len(magic):]
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
	v := &Vendors{names: make([]string, 0, nn)}
	for range nn {
		l, ok := next()
		if !ok || l > uint64(len(b)) {
			return nil, bad(b, "name")
		}
		v.names = append(v.names, string(b[:l]))
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
	for i := len(v.blocks) - 1; i >= 0; i-- {
		p := m >> (48 - blockBits[i])
		bs := v.blocks[i]
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
			return Vendor{Name: v.names[bs[j].name], Registry: reg, Bits: blockBits[i]}
		}
	}
	return Vendor{}
}

// Name is Lookup(mac).Name.
func (v *Vendors) Name(mac net.HardwareAddr) string { return v.Lookup(mac).Name }
