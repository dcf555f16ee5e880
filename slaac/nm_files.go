package slaac

import (
	"strconv"
	"strings"
)

// NMConnection is what a NetworkManager keyfile connection profile (a
// .nmconnection file under /etc/NetworkManager/system-connections) says
// about how the connection's IPv6 addresses are formed.
type NMConnection struct {
	// ID, UUID, Type and InterfaceName are connection.id, .uuid, .type
	// and .interface-name.
	ID, UUID, Type, InterfaceName string
	// StableID is connection.stable-id; HasStableID says the key is
	// present (an empty stable-id is not an unset one).
	StableID    string
	HasStableID bool
	// IPv6Method is ipv6.method ("auto", "manual", "ignore", …).
	IPv6Method string
	// AddrGenMode is ipv6.addr-gen-mode as written: "eui64",
	// "stable-privacy", "default-or-eui64", "default", or "" when absent;
	// see [NMConnection.EffectiveAddrGenMode].
	AddrGenMode string
	// Token is ipv6.token: the identifier NetworkManager uses with
	// addr-gen-mode eui64 instead of the EUI-64.
	Token string
	// SSID is wifi.ssid, for ${NETWORK_SSID}; nil for other connections.
	SSID []byte
}

// ParseNMConnection parses a keyfile connection profile (GKeyFile syntax).
// Unknown sections and keys are ignored.
func ParseNMConnection(b []byte) (NMConnection, error) {
	var c NMConnection
	err := iniEach(b, glibKeyfile, "NetworkManager keyfile", func(section, key, value string, off int) error {
		switch section + "." + key {
		case "connection.id":
			c.ID = value
		case "connection.uuid":
			c.UUID = value
		case "connection.type":
			c.Type = value
		case "connection.interface-name":
			c.InterfaceName = value
		case "connection.stable-id":
			c.StableID, c.HasStableID = value, true
		case "ipv6.method":
			c.IPv6Method = value
		case "ipv6.addr-gen-mode":
			c.AddrGenMode = value
		case "ipv6.token":
			c.Token = value
		case "wifi.ssid", "802-11-wireless.ssid":
			c.SSID = nmSSID(value)
		}
		return nil
	})
	return c, err
}

// nmSSID decodes a keyfile SSID: text, or a list of byte values
// "104;111;109;101;" as older NetworkManager writes binary SSIDs.
func nmSSID(v string) []byte {
	list := strings.TrimSuffix(v, ";")
	if list == "" || !strings.Contains(v, ";") {
		return []byte(v)
	}
	var out []byte
	for _, f := range strings.Split(list, ";") {
		n, err := strconv.ParseUint(f, 10, 8)
		if err != nil {
			return []byte(v)
		}
		out = append(out, byte(n))
	}
	return out
}

// AppendText appends c as a keyfile, with only the keys NMConnection
// holds; ParseNMConnection reads it back to c.
func (c NMConnection) AppendText(b []byte) ([]byte, error) {
	kv := func(k, v string) {
		b = append(b, k...)
		b = append(b, '=')
		b = append(b, glibEscape(v)...)
		b = append(b, '\n')
	}
	b = append(b, "[connection]\n"...)
	kv("id", c.ID)
	kv("uuid", c.UUID)
	kv("type", c.Type)
	kv("interface-name", c.InterfaceName)
	if c.HasStableID {
		kv("stable-id", c.StableID)
	}
	b = append(b, "\n[ipv6]\n"...)
	kv("method", c.IPv6Method)
	kv("addr-gen-mode", c.AddrGenMode)
	kv("token", c.Token)
	if c.SSID != nil {
		b = append(b, "\n[wifi]\nssid="...)
		for _, x := range c.SSID {
			b = strconv.AppendUint(b, uint64(x), 10)
			b = append(b, ';')
		}
		b = append(b, '\n')
	}
	return b, nil
}

// MarshalText implements encoding.TextMarshaler with AppendText.
func (c NMConnection) MarshalText() ([]byte, error) { return c.AppendText(nil) }

// EffectiveAddrGenMode returns the mode NetworkManager uses for the
// connection, "eui64" or "stable-privacy", as nm-device.c
// _prop_get_ipv6_addr_gen_mode resolves it: the profile's eui64 or
// stable-privacy as they are; a missing key means eui64 when a token is set
// (the keyfile reader's rule) and default-or-eui64 otherwise; default and
// default-or-eui64 take the global default (NetworkManager.conf
// [connection] ipv6.addr-gen-mode, see [NMConf]) when it is set, else
// default means stable-privacy and default-or-eui64 means eui64.
func (c NMConnection) EffectiveAddrGenMode(global string) string {
	m := c.AddrGenMode
	if m == "" {
		m = "default-or-eui64"
		if c.Token != "" {
			m = "eui64"
		}
	}
	if m = nmAddrGenModeName(m); m == "eui64" || m == "stable-privacy" {
		return m
	}
	if g := nmAddrGenModeName(global); g != "" {
		m = g
	}
	switch m {
	case "default":
		return "stable-privacy"
	case "stable-privacy":
		return m
	}
	return "eui64"
}

// nmAddrGenModeName maps NMSettingIP6ConfigAddrGenMode's names and numbers
// (0 eui64, 1 stable-privacy, 2 default-or-eui64, 3 default) to names; ""
// for anything else.
func nmAddrGenModeName(s string) string {
	switch s {
	case "0", "eui64":
		return "eui64"
	case "1", "stable-privacy":
		return "stable-privacy"
	case "2", "default-or-eui64":
		return "default-or-eui64"
	case "3", "default":
		return "default"
	}
	return ""
}

// NMConf is what NetworkManager.conf (and its conf.d files) says about
// address generation: the global defaults of the [connection] section and
// where keyfile profiles live. Sections [connection-NAME] with
// match-device are not read.
type NMConf struct {
	// AddrGenMode is [connection] ipv6.addr-gen-mode, the default for
	// profiles with addr-gen-mode default or default-or-eui64.
	AddrGenMode string
	// StableID is [connection] connection.stable-id, the default for
	// profiles without one; HasStableID says it is set.
	StableID    string
	HasStableID bool
	// KeyfilePath is [keyfile] path: where profiles are stored (default
	// /etc/NetworkManager/system-connections).
	KeyfilePath string
}

// ParseNMConf parses NetworkManager.conf or a conf.d file.
func ParseNMConf(b []byte) (NMConf, error) {
	var c NMConf
	err := iniEach(b, glibKeyfile, "NetworkManager.conf", func(section, key, value string, off int) error {
		switch section + "." + key {
		case "connection.ipv6.addr-gen-mode":
			c.AddrGenMode = value
		case "connection.connection.stable-id":
			c.StableID, c.HasStableID = value, true
		case "keyfile.path":
			c.KeyfilePath = value
		}
		return nil
	})
	return c, err
}

// Merge returns c overridden by what later sets, as NetworkManager reads
// NetworkManager.conf and then conf.d files in order.
func (c NMConf) Merge(later NMConf) NMConf {
	if later.AddrGenMode != "" {
		c.AddrGenMode = later.AddrGenMode
	}
	if later.HasStableID {
		c.StableID, c.HasStableID = later.StableID, true
	}
	if later.KeyfilePath != "" {
		c.KeyfilePath = later.KeyfilePath
	}
	return c
}

// AppendText appends c in NetworkManager.conf syntax; ParseNMConf reads it
// back to c.
func (c NMConf) AppendText(b []byte) ([]byte, error) {
	b = append(b, "[connection]\n"...)
	if c.AddrGenMode != "" {
		b = append(b, "ipv6.addr-gen-mode="+glibEscape(c.AddrGenMode)+"\n"...)
	}
	if c.HasStableID {
		b = append(b, "connection.stable-id="+glibEscape(c.StableID)+"\n"...)
	}
	if c.KeyfilePath != "" {
		b = append(b, "\n[keyfile]\npath="+glibEscape(c.KeyfilePath)+"\n"...)
	}
	return b, nil
}

// NMDeviceState is NetworkManager's run-time state of one device, the
// file /run/NetworkManager/devices/IFINDEX: whether it manages the device
// and which connection is active on it.
type NMDeviceState struct {
	// Managed is [device] managed; HasManaged says the key is present.
	Managed, HasManaged bool
	// ConnectionUUID is [device] connection-uuid: the active profile.
	ConnectionUUID string
}

// ParseNMDeviceState parses a device state file.
func ParseNMDeviceState(b []byte) (NMDeviceState, error) {
	var s NMDeviceState
	err := iniEach(b, glibKeyfile, "NetworkManager device state", func(section, key, value string, off int) error {
		switch section + "." + key {
		case "device.managed":
			switch value {
			case "true":
				s.Managed, s.HasManaged = true, true
			case "false":
				s.Managed, s.HasManaged = false, true
			default:
				return &ParseError{Type: "NetworkManager device state", Offset: off, Err: errSyntax("slaac: managed=%q: want true or false", value)}
			}
		case "device.connection-uuid":
			s.ConnectionUUID = value
		}
		return nil
	})
	return s, err
}

// AppendText appends s as NetworkManager writes it; ParseNMDeviceState
// reads it back to s.
func (s NMDeviceState) AppendText(b []byte) ([]byte, error) {
	b = append(b, "[device]\n"...)
	if s.HasManaged {
		b = append(b, "managed="+strconv.FormatBool(s.Managed)+"\n"...)
	}
	if s.ConnectionUUID != "" {
		b = append(b, "connection-uuid="+glibEscape(s.ConnectionUUID)+"\n"...)
	}
	return b, nil
}
