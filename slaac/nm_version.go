package slaac

import (
	"strconv"
	"strings"
)

// NMVersion names the NetworkManager release whose connection.stable-id
// rules [ExpandNMStableID] follows. The rules changed twice after 1.42
// (src/core/nm-core-utils.c, nm_utils_stable_id_parse):
//
//   - 1.42 and earlier: "default${CONNECTION}" is an ordinary template
//     (a generated ID over "default${CONNECTION}=36{UUID}"), and
//     ${NETWORK_SSID} is not a pattern: it stays verbatim.
//   - 1.44: the exact string "default${CONNECTION}" means the built-in
//     default, the connection UUID ([NMStableUUID]), as if stable-id were
//     unset; ${NETWORK_SSID} is still verbatim.
//   - 1.46 and later: ${NETWORK_SSID} expands to "s:" and the escaped SSID
//     of a Wi-Fi connection, or "c:" and the connection UUID otherwise.
//
// The zero NMVersion means the newest rules (1.46 and later).
type NMVersion struct {
	Major, Minor int
}

// NetworkManager releases whose stable-id rules differ.
var (
	NM142 = NMVersion{1, 42}
	NM144 = NMVersion{1, 44}
	NM146 = NMVersion{1, 46}
)

// String returns "MAJOR.MINOR", or "newest" for the zero version.
func (v NMVersion) String() string {
	if v == (NMVersion{}) {
		return "newest"
	}
	return strconv.Itoa(v.Major) + "." + strconv.Itoa(v.Minor)
}

// atLeast reports whether v follows the rules of w or later ones; the zero
// version is the newest.
func (v NMVersion) atLeast(w NMVersion) bool {
	if v == (NMVersion{}) {
		return true
	}
	return v.Major > w.Major || v.Major == w.Major && v.Minor >= w.Minor
}

// ParseNMVersion parses a NetworkManager version as `NetworkManager
// --version` or a package prints it: "1.42", "1.42.4", "1.46.0-1" (the
// micro version and anything after it are ignored).
func ParseNMVersion(s string) (NMVersion, error) {
	bad := func(off int) error {
		return &ParseError{Type: "NetworkManager version", Offset: off, Err: errSyntax("slaac: %q: want MAJOR.MINOR such as 1.42", s)}
	}
	major, rest, ok := strings.Cut(s, ".")
	if !ok {
		return NMVersion{}, bad(len(s))
	}
	mi := len(major) + 1
	minor := rest
	if i := strings.IndexFunc(rest, func(r rune) bool { return r < '0' || r > '9' }); i >= 0 {
		minor = rest[:i]
	}
	ma, err := atoiDigits(major)
	if err != nil {
		return NMVersion{}, bad(firstBadDigit(major))
	}
	mn, err := atoiDigits(minor)
	if err != nil {
		return NMVersion{}, bad(mi + firstBadDigit(minor))
	}
	if ma == 0 && mn == 0 {
		return NMVersion{}, bad(0)
	}
	return NMVersion{ma, mn}, nil
}

// atoiDigits parses one to six decimal digits.
func atoiDigits(s string) (int, error) {
	if s == "" || len(s) > 6 || firstBadDigit(s) < len(s) {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

func firstBadDigit(s string) int {
	if i := firstBad(s, func(c byte) bool { return '0' <= c && c <= '9' }); i >= 0 {
		return i
	}
	if len(s) > 6 {
		return 6
	}
	return len(s)
}
