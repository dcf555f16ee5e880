package slaac

import (
	"crypto/sha1"
	"encoding/base64"
	"fmt"
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
	// before 1.46 (including Debian 12's 1.42) does, whatever Version
	// says.
	NoNetworkSSID bool
	// Version selects the release whose rules apply (see [NMVersion]);
	// the zero value means the newest (1.46 and later).
	Version NMVersion
}

// ExpandNMStableID expands a connection.stable-id the way NetworkManager's
// nm_utils_stable_id_parse and nm_device's stable-id handling do, for the
// release in.Version, and returns the stable type and the network ID
// NetworkManager hashes: the UUID for the exact template
// "default${CONNECTION}" from 1.44 on (an unset stable-id also means the
// UUID: use [NMStableUUID] directly), the template itself when it has no
// known ${...} pattern, or for a
// generated ID the unpadded base64 of SHA-1 over the expanded text, in which
// each pattern is kept and followed by "=LEN{VALUE}". "$$" escapes a
// dollar. A template with ${RANDOM} yields [NMStableRandom] and an empty ID.
func ExpandNMStableID(template string, in NMStableIDInput) (NMStableType, string) {
	if template == "default${CONNECTION}" && in.Version.atLeast(NM144) {
		return NMStableUUID, in.UUID
	}
	ssid := !in.NoNetworkSSID && in.Version.atLeast(NM146)
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
		case ssid && strings.HasPrefix(rest, "${NETWORK_SSID}"):
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
