package slaac

import (
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NMStableType is NetworkManager's NMUtilsStableType: where the network ID
// hashed for a stable-privacy address comes from.
type NMStableType uint8

// NetworkManager stable types, with NetworkManager's numeric values (the
// value is hashed, except for NMStableUUID).
const (
	// NMStableUUID: connection.stable-id unset; the network ID is the
	// connection UUID.
	NMStableUUID NMStableType = 0
	// NMStableID: a plain connection.stable-id without ${...} patterns.
	NMStableID NMStableType = 1
	// NMStableGenerated: a stable-id with ${CONNECTION}, ${DEVICE},
	// ${MAC}, ${BOOT} or ${NETWORK_SSID}; the network ID is the base64
	// SHA-1 of the expanded text.
	NMStableGenerated NMStableType = 2
	// NMStableRandom: a stable-id with ${RANDOM}; a fresh random network
	// ID per activation, which cannot be predicted.
	NMStableRandom NMStableType = 3
)

func (t NMStableType) String() string {
	switch t {
	case NMStableUUID:
		return "uuid"
	case NMStableID:
		return "stable-id"
	case NMStableGenerated:
		return "generated"
	case NMStableRandom:
		return "random"
	}
	return "NMStableType(" + strconv.Itoa(int(t)) + ")"
}

// ParseNMStableType parses "uuid", "stable-id", "generated" or "random".
func ParseNMStableType(s string) (NMStableType, error) {
	for t := NMStableUUID; t <= NMStableRandom; t++ {
		if s == t.String() {
			return t, nil
		}
	}
	return 0, fmt.Errorf("slaac: unknown NetworkManager stable type %q (want uuid, stable-id, generated or random)", s)
}

// NMIDGenRetries is NM_STABLE_PRIVACY_RFC7217_IDGEN_RETRIES: NetworkManager
// forms global addresses for DAD counters 0, 1 and 2 only; link-local
// addresses get three more tries (nm-l3-ipv6ll.c).
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

// IID implements [Generator] for global addresses: DAD counters at or
// beyond [NMIDGenRetries] fail, as in NetworkManager.
func (g *NetworkManager) IID(prefix netip.Prefix, dadCounter int) (IID, int, error) {
	if err := CheckPrefix(prefix); err != nil {
		return IID{}, dadCounter, err
	}
	if dadCounter < 0 || dadCounter >= NMIDGenRetries {
		return IID{}, dadCounter, fmt.Errorf("%w: NetworkManager tries DAD counters 0..%d, got %d", ErrIDGenRetries, NMIDGenRetries-1, dadCounter)
	}
	return g.iid(prefix.Addr().As16(), dadCounter, nmReserved)
}

// LinkLocal returns the stable-privacy link-local address NetworkManager
// forms for the DAD counter (0 through 5).
func (g *NetworkManager) LinkLocal(dadCounter int) (netip.Addr, int, error) {
	if dadCounter < 0 || dadCounter >= NMIDGenRetries+3 {
		return netip.Addr{}, dadCounter, fmt.Errorf("%w: NetworkManager tries link-local DAD counters 0..%d, got %d", ErrIDGenRetries, NMIDGenRetries+2, dadCounter)
	}
	iid, used, err := g.iid(linkLocalPrefix.As16(), dadCounter, nmReserved)
	return LinkLocal(iid), used, err
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
	t := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), "-", ""))
	if len(t) != 32 {
		return "", &ParseError{Type: "machine ID", Input: s, Msg: "want 32 hex digits", Err: ErrSecret}
	}
	if _, err := hex.DecodeString(t); err != nil {
		return "", &ParseError{Type: "machine ID", Input: s, Msg: "want 32 hex digits", Err: ErrSecret}
	}
	return t, nil
}

// NMStableIDInput holds what NetworkManager substitutes into a
// connection.stable-id template.
type NMStableIDInput struct {
	// UUID is connection.uuid, for ${CONNECTION}.
	UUID string
	// Device is the IP interface name, for ${DEVICE}.
	Device string
	// MAC is the permanent MAC as NetworkManager prints it (upper-case,
	// "12:34:56:78:9A:BC"), for ${MAC}; empty when the device has no
	// real permanent address (veth: NetworkManager substitutes "").
	MAC string
	// BootID is /proc/sys/kernel/random/boot_id, for ${BOOT}.
	BootID string
	// SSID is the Wi-Fi SSID for ${NETWORK_SSID}; nil falls back to the
	// connection UUID, as NetworkManager does for non-Wi-Fi connections.
	SSID []byte
	// NoNetworkSSID treats ${NETWORK_SSID} verbatim, as NetworkManager
	// before 1.46 (including Debian 12's 1.42) does.
	NoNetworkSSID bool
}

// ExpandNMStableID expands a connection.stable-id the way NetworkManager's
// nm_utils_stable_id_parse and nm_device's stable-id handling do, and
// returns the stable type and the network ID NetworkManager hashes:
// the UUID when template is nil-equivalent (use [NMStableUUID] directly),
// the template itself when it has no known ${...} pattern, or for a
// generated ID the unpadded base64 of SHA-1 over the expanded text, in which
// each pattern is kept and followed by "=LEN{VALUE}". "$$" escapes a
// dollar. A template with ${RANDOM} yields [NMStableRandom] and an empty ID.
func ExpandNMStableID(template string, in NMStableIDInput) (NMStableType, string) {
	var out strings.Builder
	generated := false
	start := 0
	put := func(i int, pattern, value string) int {
		generated = true
		i += len(pattern)
		out.WriteString(template[start:i])
		start = i
		out.WriteString("=" + strconv.Itoa(len(value)) + "{" + value + "}")
		return i
	}
	for i := 0; i < len(template); {
		if template[i] != '$' {
			i++
			continue
		}
		rest := template[i:]
		switch {
		case strings.HasPrefix(rest, "${CONNECTION}"):
			i = put(i, "${CONNECTION}", in.UUID)
		case strings.HasPrefix(rest, "${BOOT}"):
			i = put(i, "${BOOT}", in.BootID)
		case strings.HasPrefix(rest, "${DEVICE}"):
			i = put(i, "${DEVICE}", in.Device)
		case strings.HasPrefix(rest, "${MAC}"):
			i = put(i, "${MAC}", in.MAC)
		case !in.NoNetworkSSID && strings.HasPrefix(rest, "${NETWORK_SSID}"):
			v := "c:" + in.UUID
			if in.SSID != nil {
				v = "s:" + nmUTF8SafeEscape(in.SSID)
			}
			i = put(i, "${NETWORK_SSID}", v)
		case strings.HasPrefix(rest, "${RANDOM}"):
			return NMStableRandom, ""
		default:
			i++
			if i < len(template) && template[i] == '$' {
				i++
			}
		}
	}
	if !generated {
		return NMStableID, template
	}
	out.WriteString(template[start:])
	return NMStableGenerated, NMGeneratedID(out.String())
}

// NMGeneratedID is nm_utils_stable_id_generated_complete: the standard
// base64 of SHA-1 over the expanded stable-id, without its "=" padding
// (27 characters).
func NMGeneratedID(expanded string) string {
	s := sha1.Sum([]byte(expanded))
	return strings.TrimRight(base64.StdEncoding.EncodeToString(s[:]), "=")
}

// nmUTF8SafeEscape follows nm_utils_buf_utf8safe_escape with
// NM_UTILS_STR_UTF8_SAFE_FLAG_ESCAPE_CTRL: backslash becomes "\\", and
// ASCII control characters, DEL and bytes of invalid UTF-8 become a
// backslash and three octal digits.
func nmUTF8SafeEscape(b []byte) string {
	var s strings.Builder
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && n <= 1:
			fmt.Fprintf(&s, "\\%03o", b[0])
			n = 1
		case r == '\\':
			s.WriteString(`\\`)
		case r < 0x20 || r == 0x7f:
			fmt.Fprintf(&s, "\\%03o", b[0])
		default:
			s.Write(b[:n])
		}
		b = b[n:]
	}
	return s.String()
}
