// Package lxdprofile implements LXD profiles for containers on the LAN —
// typed builders, the seed's presets, validation, `lxc profile show` YAML,
// ETag-guarded apply, the daemon's profile expansion — and predicts the
// addresses an instance forms by stateless autoconfiguration, as described in
// RFC 4862 (with RFC 4291 appendix A modified EUI-64 interface identifiers).
//
// # Profiles
//
// A [Profile] holds config keys and [Device] maps, as LXD stores them. Build
// NICs with [NIC] (macvlan or bridged, with name, parent, hwaddr, mtu, vlan),
// root disks with [RootDisk], or start from a preset: [Macvlan] (the seed's
// copy of the default profile with a macvlan eth0, launched with
// `-p macvlan`), [ExtBridge] (eth0 bridged to an existing host bridge,
// stacked on default) and [TwoIntfRev] (a two-NIC router: eth0 as WAN on the
// LAN bridge, eth1 as LAN on lxdbr0). [Validate] rejects what LXD 5.0 rejects
// when a profile is created: an unknown device type or nictype, a missing
// parent, a malformed hwaddr, an MTU outside 1280–16384, a VLAN outside
// 0–4094, a root disk without a pool, a config key outside LXD's namespaces,
// volatile.* and image.* keys, a malformed boolean.
//
// # YAML
//
// [Render] prints a profile byte for byte as `lxc profile show` does. The key
// order depends on the server: LXD 5.0.x prints config, description, devices,
// name, used_by ([Layout50]); 5.21 and later print name first
// ([Layout521]); [LayoutFor] and [ServerLayout] pick one. [Parse] reads
// either.
//
// # Applying
//
// [Apply] creates a profile, leaves an identical one alone, and updates a
// differing one only when asked, sending the ETag it read (or one the caller
// read earlier); a 412 answer becomes a [*ConflictError]. [CheckPools] finds
// a root disk on a storage pool the daemon lacks (LXD accepts such a
// profile). [ConnectUnix] (finding the socket as lxc does) and
// [ConnectHTTPS] (client certificate, pinned server certificate) return the
// LXD client's InstanceServer, which satisfies [ProfileServer].
//
// # Expansion and addresses
//
// [Expand] computes an instance's expanded config and devices as the daemon
// does: profiles in order, later ones replacing whole devices, the instance's
// own last. [Predict] joins each NIC's MAC (hwaddr, or the daemon-assigned
// volatile.<nic>.hwaddr) with the LAN's /64 prefixes, and [ZoneLine] renders
// "name IN AAAA addr" lines for a zone file.
package lxdprofile
