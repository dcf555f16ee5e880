// Package lxdprofile implements LXD and Incus profiles for containers on the
// LAN — typed builders, the seed's presets, validation, `lxc profile show`
// and `incus profile show` YAML, ETag-guarded apply, the daemon's profile
// expansion — and predicts the addresses an instance forms by stateless
// autoconfiguration, as described in RFC 4862 (with RFC 4291 appendix A
// modified EUI-64 interface identifiers).
//
// # LXD and Incus
//
// Incus, the 2023 fork of LXD, takes the same profiles through the same REST
// API, and everything here works on both (tested against Debian's LXD 5.0.2
// and Incus 6.0.4). A [Daemon] says which: the caller names it ([LXD],
// [Incus]) or leaves [DetectDaemon] and [Dial] reads it from the server's
// /1.0 answer (environment.server is "lxd" or "incus"; [DaemonOf]). Where
// Incus differs, the package knows:
//
//   - Its socket is /var/lib/incus/unix.socket ([IncusSocket]; INCUS_SOCKET
//     and INCUS_DIR as its client reads them, [SocketsFor]), and its client
//     is incus, not lxc ([Daemon.Command]).
//   - Its API has /1.0/instances only (LXD still answers /1.0/containers);
//     [Client] uses /1.0/instances on both.
//   - The guest API socket is /dev/incus, turned on by security.guestapi
//     (LXD: /dev/lxd, security.devlxd); each daemon rejects the other's key,
//     and so does [ValidateFor] ([Daemon.GuestAPIKey]).
//   - `incus profile show` prints config, description, devices, name,
//     used_by, project ([LayoutIncus]) whatever the version: Incus 6.0.4 is
//     not LXD 6.0 ([LayoutOf]).
//   - The MACs it assigns start 10:66:6a, LXD's 00:16:3e
//     ([Daemon.MACPrefix]); predictions from them are the same EUI-64
//     arithmetic.
//
// # Profiles
//
// A [Profile] holds config keys and [Device] maps, as the daemon stores
// them. Build NICs with [NIC] (macvlan or bridged, with name, parent, hwaddr,
// mtu, vlan), root disks with [RootDisk], or start from a preset: [Macvlan]
// (the seed's copy of the default profile with a macvlan eth0, launched with
// `-p macvlan`), [ExtBridge] (eth0 bridged to an existing host bridge,
// stacked on default) and [TwoIntfRev] (a two-NIC router: eth0 as WAN on the
// LAN bridge, eth1 as LAN on lxdbr0). [Validate] rejects what LXD 5.0 rejects
// when a profile is created, [ValidateFor] what a given daemon rejects: an
// unknown device type or nictype, a missing parent, a malformed hwaddr, an
// MTU outside 1280–16384, a VLAN outside 0–4094, gvrp on a NIC other than
// macvlan or physical, a root disk without a pool, a config key outside the
// daemon's namespaces or named as the other daemon names it, volatile.* and
// image.* keys, a malformed boolean.
//
// # YAML
//
// [Render] prints a profile byte for byte as `lxc profile show` or `incus
// profile show` does. The key order depends on the server: LXD 5.0.x prints
// config, description, devices, name, used_by ([Layout50]); 5.21 and later
// print name first ([Layout521]); Incus prints LXD 5.0's order with project
// last ([LayoutIncus]). [LayoutOf], [Client.Layout] and [ServerLayout] pick
// one. [Parse] reads any.
//
// # Applying
//
// [Apply] creates a profile, leaves an identical one alone, and updates a
// differing one only when asked, sending the ETag it read (or one the caller
// read earlier); a 412 answer becomes a [*ConflictError]. [CheckPools] finds
// a root disk on a storage pool the daemon lacks (neither daemon refuses
// such a profile).
//
// Two clients satisfy [ProfileServer]. [Dial] returns a [*Client]: a small
// REST client, over the unix socket or over HTTPS with a client certificate
// and a pinned server certificate, for the few endpoints the package needs;
// it knows its daemon and adds nothing to go.mod. [ConnectUnix] (finding
// the socket as lxc does) and [ConnectHTTPS] (client certificate, pinned
// server certificate) return the LXD client's InstanceServer, which works
// against Incus's socket too. A program that dials only with [Dial] links
// about 2 MB less (lxd-macvlan: 13.7 MB with the LXD client, 11.6 MB with
// Dial's; lxd-dns: 11.8 MB and 9.7 MB; stripped, amd64): the LXD client's
// code goes, though the packages it imports stay linked while [ConnectUnix]
// is in this package. Incus's own Go client is not used: its v6 module has
// unfixed security reports and no v7 module is served.
//
// # Expansion and addresses
//
// [Expand] computes an instance's expanded config and devices as both
// daemons do: profiles in order, later ones replacing whole devices, the
// instance's own last. [Predict] joins each NIC's MAC (hwaddr, or the
// daemon-assigned volatile.<nic>.hwaddr) with the LAN's /64 prefixes, and
// [ZoneLine] renders "name IN AAAA addr" lines for a zone file.
package lxdprofile
