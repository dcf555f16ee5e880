// Package host reads, on a running Linux host, everything the kernel,
// NetworkManager or systemd-networkd uses to form an interface's SLAAC
// addresses, and returns it as a [slaac.Host], the pure value whose
// methods yield the right generator: [Read]. [ReadLink] reads the
// interface's current addresses (with the kernel's flags) and the
// prefixes it learns from router advertisements.
//
// Package slaac stays pure (no I/O); this package is its OS adapter. What
// it reads, all with the reading process's view (its network and mount
// namespaces):
//
//   - netlink: the interface's index, current MAC, permanent MAC
//     (IFLA_PERM_ADDRESS, Linux 5.6 and later; the kernel hashes that one,
//     not the current MAC), addresses with IFA_F_* flags, and routes
//     learnt from RAs (RTPROT_RA);
//   - /proc/sys/net/ipv6/conf/IF: addr_gen_mode, stable_secret (an unset
//     one fails with EIO: then net.ipv6.conf.default.stable_secret, as
//     the kernel falls back), dad_transmits, accept_ra, autoconf,
//     use_tempaddr, temp_valid_lft, temp_prefered_lft, max_desync_factor,
//     regen_min_advance, regen_max_retry; net.ipv6.idgen_retries;
//     net.ipv6.neigh.IF.retrans_time_ms;
//   - NetworkManager, when /run/NetworkManager/devices/IFINDEX says it
//     manages the device with an active connection: that connection's
//     keyfile (in [keyfile] path, /etc, /run or /usr/lib
//     NetworkManager/system-connections), NetworkManager.conf and conf.d
//     ([connection] defaults), /var/lib/NetworkManager/secret_key with
//     /etc/machine-id, the boot ID, and the version `NetworkManager
//     --version` prints (the binary on PATH, else in /usr/sbin or /sbin;
//     unknown: the newest rules);
//   - systemd-networkd, when /run/systemd/netif/links/IFINDEX names the
//     .network file it applied: that file's Token= and link-local
//     settings (drop-in directories are not read), and /etc/machine-id.
//
// Profiles of NetworkManager's ifcfg-rh and ifupdown plugins, its
// [connection-NAME] sections with match-device, and `ip token` are not
// read.
//
// # Errors
//
// Errors start with "slaac/host: " and name the interface and the file;
// a missing interface wraps [ErrNoInterface]. On other systems every
// function returns an error wrapping errors.ErrUnsupported.
package host
