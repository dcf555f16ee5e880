package slaac

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
)

// NMIDGenRetries is NM_STABLE_PRIVACY_RFC7217_IDGEN_RETRIES: NetworkManager's
// own loops form global addresses for DAD counters 0, 1 and 2 only
// (nm_utils_ipv6_addr_set_stable_privacy_may_fail); link-local addresses get
// three more tries (nm-l3-ipv6ll.c). The hash itself takes any counter: the
// limit belongs to the caller's loop, as [Form] applies it.
const NMIDGenRetries = 3

// NetworkManager reproduces NetworkManager's stable-privacy identifiers
// (ipv6.addr-gen-mode=stable-privacy), bit for bit, as
// nm_utils_ipv6_addr_set_stable_privacy_with_host_id computes them:
//
//	SHA-256( [stable type (1), omitted for NMStableUUID] | prefix (8) |
//	         ifname | NUL | network ID | NUL | be32 DAD counter |
//	         be32 len(host ID) | host ID )
//
// The identifier is the first 8 bytes of the digest. While it is reserved
// (RFC 5453), NetworkManager re-hashes SHA-256(previous digest (32) | be32
// ++counter).
type NetworkManager struct {
	// StableType says how NetworkID was obtained; see [ExpandNMStableID].
	StableType NMStableType
	// NetworkID is the string NetworkManager hashes: the connection UUID,
	// the stable-id as written, or for NMStableGenerated the base64 form
	// returned by [ExpandNMStableID].
	NetworkID string
	// IfName is the IP interface name (nm_device_get_ip_iface).
	IfName string
	// HostID is NetworkManager's host identifier; see [NMHostID].
	HostID []byte
}

// IID implements [Generator]. It hashes any DAD counter from 0 to
// 2^32-1, as NetworkManager's hash does (its unit tests use 384);
// NetworkManager's own retry limit ([NMIDGenRetries]) belongs to the
// caller's loop: [Form] stops there.
func (g *NetworkManager) IID(prefix netip.Prefix, dadCounter int) (IID, int, error) {
	if g == nil {
		return IID{}, dadCounter, errNilGenerator("NetworkManager")
	}
	if err := CheckPrefix(prefix); err != nil {
		return IID{}, dadCounter, err
	}
	if dadCounter < 0 || int64(dadCounter) > 0xffffffff {
		return IID{}, dadCounter, fmt.Errorf("%w: NetworkManager hashes DAD counters 0..2^32-1, got %d", ErrIDGenRetries, dadCounter)
	}
	return g.iid(prefix.Addr().As16(), dadCounter, nmReserved)
}

// LinkLocal returns the stable-privacy link-local address NetworkManager
// forms for the DAD counter; NetworkManager itself tries counters 0 through
// [NMIDGenRetries]+2.
func (g *NetworkManager) LinkLocal(dadCounter int) (netip.Addr, int, error) {
	if g == nil {
		return netip.Addr{}, dadCounter, errNilGenerator("NetworkManager")
	}
	iid, used, err := g.IID(netip.PrefixFrom(linkLocalPrefix, 64), dadCounter)
	if err != nil {
		return netip.Addr{}, used, err
	}
	return LinkLocal(iid), used, nil
}

// LastDADCounter is the last DAD counter NetworkManager's own loops try on
// prefix: 2 on a global prefix, 5 on fe80::/64. The hash takes any counter
// (IID, LinkLocal); [Form] and a caller predicting "after N conflicts"
// stop here, since NetworkManager never forms the addresses beyond.
func (g *NetworkManager) LastDADCounter(prefix netip.Prefix) int {
	if prefix.Masked().Addr() == linkLocalPrefix {
		return NMIDGenRetries + 2
	}
	return NMIDGenRetries - 1
}

func (g *NetworkManager) iid(p [16]byte, dad int, reserved func(IID) bool) (IID, int, error) {
	if len(g.HostID) == 0 {
		return IID{}, dad, fmt.Errorf("%w: NetworkManager host ID is empty", ErrSecret)
	}
	if strings.IndexByte(g.IfName, 0) >= 0 || strings.IndexByte(g.NetworkID, 0) >= 0 {
		return IID{}, dad, fmt.Errorf("slaac: interface name and network ID must not contain NUL")
	}
	var stack [512]byte
	b := stack[:0]
	if g.StableType != NMStableUUID {
		b = append(b, byte(g.StableType))
	}
	b = append(b, p[:8]...)
	b = append(b, g.IfName...)
	b = append(b, 0)
	b = append(b, g.NetworkID...)
	b = append(b, 0)
	b = binary.BigEndian.AppendUint32(b, uint32(dad))
	b = binary.BigEndian.AppendUint32(b, uint32(len(g.HostID)))
	b = append(b, g.HostID...)
	digest := sha256.Sum256(b)
	counter := uint32(dad)
	for reserved(IID(digest[:8])) {
		var re [36]byte
		copy(re[:], digest[:])
		counter++
		binary.BigEndian.PutUint32(re[32:], counter)
		digest = sha256.Sum256(re[:])
	}
	var iid IID
	copy(iid[:], digest[:8])
	return iid, int(counter), nil
}

func nmReserved(iid IID) bool { return iid.Reserved() }

// NMHostID derives NetworkManager's host identifier from the contents of
// /var/lib/NetworkManager/secret_key, as _host_id_read does:
//
//   - a "nm-v2:" key of at least 6+32 bytes yields SHA-256 of the decimal
//     file size, a space, the file contents and the machine ID (the 32
//     lower-case hex digits of /etc/machine-id; omitted when machineID is
//     empty, as NetworkManager omits an invalid machine ID);
//   - any other key of at least 16 bytes is used as it is (legacy key);
//   - a shorter key is rejected (NetworkManager would generate a new one).
func NMHostID(secretKey []byte, machineID string) ([]byte, error) {
	const v2 = "nm-v2:"
	switch {
	case len(secretKey) >= len(v2)+32 && bytes.HasPrefix(secretKey, []byte(v2)):
		h := sha256.New()
		h.Write([]byte(strconv.Itoa(len(secretKey)) + " "))
		h.Write(secretKey)
		if machineID != "" {
			mid, err := normalizeMachineID(machineID)
			if err != nil {
				return nil, err
			}
			h.Write([]byte(mid))
		}
		return h.Sum(nil), nil
	case len(secretKey) >= 16:
		return bytes.Clone(secretKey), nil
	}
	return nil, fmt.Errorf("%w: NetworkManager secret_key shorter than 16 bytes", ErrSecret)
}

// ParseMachineID parses an /etc/machine-id (32 hex digits, optionally with
// a trailing newline or UUID dashes) into its 16 bytes.
func ParseMachineID(s string) ([16]byte, error) {
	var id [16]byte
	mid, err := normalizeMachineID(s)
	if err != nil {
		return id, err
	}
	_, err = hex.Decode(id[:], []byte(mid))
	return id, err
}

func normalizeMachineID(s string) (string, error) {
	trimmed := strings.TrimSpace(s)
	lead := strings.Index(s, trimmed)
	bad := func(off int) error {
		return &ParseError{Type: "machine ID", Offset: off, Err: fmt.Errorf("%w: %q: want 32 hex digits (/etc/machine-id)", ErrSecret, s)}
	}
	if i := firstBad(trimmed, func(c byte) bool { return isHex(c) || c == '-' }); i >= 0 {
		return "", bad(lead + i)
	}
	t := strings.ToLower(strings.ReplaceAll(trimmed, "-", ""))
	if len(t) < 32 {
		return "", bad(lead + len(trimmed))
	}
	if len(t) > 32 {
		// the offset of the 33rd digit
		n := 0
		for i := 0; i < len(trimmed); i++ {
			if trimmed[i] != '-' {
				if n++; n > 32 {
					return "", bad(lead + i)
				}
			}
		}
	}
	return t, nil
}
