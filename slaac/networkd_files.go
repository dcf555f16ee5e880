package slaac

import (
	"encoding/hex"
	"fmt"
	"net/netip"
	"strings"
)

// NetworkdTokenMode is the kind of one systemd-networkd Token= entry.
type NetworkdTokenMode uint8

// Token= modes (systemd.network(5), [IPv6AcceptRA] Token=).
const (
	// NetworkdEUI64: Token=eui64, the modified EUI-64 of the current MAC.
	NetworkdEUI64 NetworkdTokenMode = iota
	// NetworkdStatic: Token=static:::1 or Token=::1, a fixed identifier.
	NetworkdStatic
	// NetworkdPrefixStable: Token=prefixstable[:PREFIX][,SECRET], see
	// [Networkd].
	NetworkdPrefixStable
)

func (m NetworkdTokenMode) String() string {
	switch m {
	case NetworkdEUI64:
		return "eui64"
	case NetworkdStatic:
		return "static"
	case NetworkdPrefixStable:
		return "prefixstable"
	}
	return fmt.Sprintf("NetworkdTokenMode(%d)", uint8(m))
}

// NetworkdToken is one Token= entry of a .network file.
type NetworkdToken struct {
	Mode NetworkdTokenMode
	// IID is the identifier of a static token.
	IID IID
	// Prefix limits a prefixstable token to one prefix (its upper 64
	// bits); the zero Addr means every prefix.
	Prefix netip.Addr
	// Secret is the key of prefixstable:PREFIX,SECRET; HasSecret says it
	// is given (else networkd derives it from the machine ID:
	// [NetworkdKey]).
	Secret    [16]byte
	HasSecret bool
}

// ParseNetworkdToken parses the value of a Token= (or the older
// IPv6Token=) setting as systemd-networkd 252 does
// (config_parse_address_generation_type): "eui64", "static:ADDRESS",
// a bare ADDRESS (static), or "prefixstable" with an optional ":PREFIX"
// and ",SECRET" (32 hex digits or a UUID).
func ParseNetworkdToken(s string) (NetworkdToken, error) {
	var t NetworkdToken
	bad := func(off int, why string) error {
		return &ParseError{Type: "networkd Token", Offset: off, Err: errSyntax("slaac: Token=%q: %s", s, why)}
	}
	rest, off := s, 0
	switch {
	case s == "eui64":
		return NetworkdToken{Mode: NetworkdEUI64}, nil
	case strings.HasPrefix(s, "prefixstable"):
		t.Mode = NetworkdPrefixStable
		rest, off = s[len("prefixstable"):], len("prefixstable")
		if rest != "" && rest[0] != ':' && rest[0] != ',' {
			return t, bad(off, "want prefixstable[:PREFIX][,SECRET]")
		}
		rest = strings.TrimPrefix(rest, ":")
		if len(s)-len(rest) > off {
			off++
		}
	case strings.HasPrefix(s, "static:"):
		t.Mode = NetworkdStatic
		rest, off = s[len("static:"):], len("static:")
	default:
		t.Mode = NetworkdStatic
	}
	addr, secret, hasSecret := strings.Cut(rest, ",")
	if hasSecret {
		if t.Mode != NetworkdPrefixStable {
			return t, bad(off+len(addr), "only prefixstable takes a secret")
		}
		k, err := hex.DecodeString(strings.ReplaceAll(secret, "-", ""))
		if err != nil || len(k) != 16 {
			return t, bad(off+len(addr)+1, "the secret is 32 hex digits or a UUID")
		}
		t.Secret, t.HasSecret = [16]byte(k), true
	}
	if addr == "" {
		if t.Mode == NetworkdStatic {
			return t, bad(off, "a static token needs an address such as ::1")
		}
		return t, nil
	}
	a, err := netip.ParseAddr(addr)
	if err != nil || !a.Is6() || a.Zone() != "" {
		return t, bad(off+addrOffset(addr), "want an IPv6 address")
	}
	if t.Mode == NetworkdStatic {
		t.IID = IIDFrom(a)
		if t.IID == (IID{}) {
			return t, bad(off, "the identifier (lower 64 bits) is zero")
		}
		return t, nil
	}
	b := a.As16()
	clear(b[8:])
	t.Prefix = netip.AddrFrom16(b)
	return t, nil
}

// String returns the token as a Token= value that ParseNetworkdToken reads
// back to t.
func (t NetworkdToken) String() string {
	switch t.Mode {
	case NetworkdEUI64:
		return "eui64"
	case NetworkdStatic:
		return "static:" + LinkLocal(t.IID).String()[len("fe80"):]
	}
	s := "prefixstable"
	if t.Prefix.IsValid() {
		s += ":" + t.Prefix.String()
	}
	if t.HasSecret {
		s += "," + hex.EncodeToString(t.Secret[:])
	}
	return s
}

// NetworkdNetwork is what a systemd-networkd .network file says about how
// the link's IPv6 addresses are formed.
type NetworkdNetwork struct {
	// Tokens are the [IPv6AcceptRA] Token= entries (and the older
	// [Network] IPv6Token=) in order; an empty Token= clears the list.
	// No token means EUI-64 of the current MAC.
	Tokens []NetworkdToken
	// LinkLocalMode is [Network] IPv6LinkLocalAddressGenerationMode:
	// "eui64", "none", "stable-privacy", "random", or "" (the kernel's
	// setting stays).
	LinkLocalMode string
	// StableSecret is [Network] IPv6StableSecretAddress; HasStableSecret
	// says it is set (else networkd derives one:
	// [NetworkdLinkLocalSecret]).
	StableSecret    [16]byte
	HasStableSecret bool
}

// ParseNetworkdNetwork parses a .network file (systemd unit syntax).
// Unknown sections and keys are ignored; a Token= that does not parse is
// an error (networkd itself would log and ignore it).
func ParseNetworkdNetwork(b []byte) (NetworkdNetwork, error) {
	var n NetworkdNetwork
	err := iniEach(b, systemdUnit, "networkd .network", func(section, key, value string, off int) error {
		switch section + "." + key {
		case "IPv6AcceptRA.Token", "Network.IPv6Token":
			if value == "" {
				n.Tokens = nil
				return nil
			}
			t, err := ParseNetworkdToken(value)
			if err != nil {
				var pe *ParseError
				if asParseError(err, &pe) {
					pe.Type, pe.Offset = "networkd .network", off+pe.Offset
				}
				return err
			}
			n.Tokens = append(n.Tokens, t)
		case "Network.IPv6LinkLocalAddressGenerationMode":
			n.LinkLocalMode = value
		case "Network.IPv6StableSecretAddress":
			if value == "" {
				n.StableSecret, n.HasStableSecret = [16]byte{}, false
				return nil
			}
			a, err := netip.ParseAddr(value)
			if err != nil || !a.Is6() || a.Zone() != "" {
				return &ParseError{Type: "networkd .network", Offset: off, Err: fmt.Errorf("%w: IPv6StableSecretAddress=%q: want an IPv6 address", ErrSecret, value)}
			}
			n.StableSecret, n.HasStableSecret = a.As16(), true
		}
		return nil
	})
	return n, err
}

func asParseError(err error, pe **ParseError) bool {
	p, ok := err.(*ParseError)
	if ok {
		*pe = p
	}
	return ok
}

// AppendText appends n as a .network file; ParseNetworkdNetwork reads it
// back to n.
func (n NetworkdNetwork) AppendText(b []byte) ([]byte, error) {
	b = append(b, "[Network]\n"...)
	if n.LinkLocalMode != "" {
		b = append(b, "IPv6LinkLocalAddressGenerationMode="+n.LinkLocalMode+"\n"...)
	}
	if n.HasStableSecret {
		b = append(b, "IPv6StableSecretAddress="+netip.AddrFrom16(n.StableSecret).String()+"\n"...)
	}
	b = append(b, "\n[IPv6AcceptRA]\n"...)
	for _, t := range n.Tokens {
		b = append(b, "Token="+t.String()+"\n"...)
	}
	return b, nil
}

// NetworkdLinkState is systemd-networkd's run-time state of one link, the
// file /run/systemd/netif/links/IFINDEX (KEY=VALUE lines).
type NetworkdLinkState struct {
	// AdminState is ADMIN_STATE: "configured", "configuring",
	// "unmanaged", "failed", …
	AdminState string
	// NetworkFile is NETWORK_FILE: the .network file applied to the link.
	NetworkFile string
}

// ParseNetworkdLinkState parses a link state file.
func ParseNetworkdLinkState(b []byte) (NetworkdLinkState, error) {
	var s NetworkdLinkState
	for off := 0; off < len(b); {
		end := strings.IndexByte(string(b[off:]), '\n')
		next := len(b)
		if end >= 0 {
			next = off + end + 1
			end += off
		} else {
			end = len(b)
		}
		line := strings.Trim(string(b[off:end]), blanks)
		if line != "" && line[0] != '#' {
			k, v, ok := strings.Cut(line, "=")
			if !ok || k == "" {
				return s, &ParseError{Type: "networkd link state", Offset: off, Err: errSyntax("slaac: %q: want KEY=VALUE", line)}
			}
			switch k {
			case "ADMIN_STATE":
				s.AdminState = v
			case "NETWORK_FILE":
				s.NetworkFile = v
			}
		}
		off = next
	}
	return s, nil
}

// AppendText appends s as networkd writes it; ParseNetworkdLinkState
// reads it back to s.
func (s NetworkdLinkState) AppendText(b []byte) ([]byte, error) {
	if s.AdminState != "" {
		b = append(b, "ADMIN_STATE="+s.AdminState+"\n"...)
	}
	if s.NetworkFile != "" {
		b = append(b, "NETWORK_FILE="+s.NetworkFile+"\n"...)
	}
	return b, nil
}
