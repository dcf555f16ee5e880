// Package slaac implements the ways a host forms the interface identifier of
// its IPv6 addresses with stateless address autoconfiguration, as described
// in RFC 4862, RFC 4291 Appendix A, RFC 7217 and RFC 8981, and predicts real
// hosts bit for bit.
//
// The package is pure: no I/O and no clock. The state machine takes the
// current time as an argument of each call; randomness comes from an
// io.Reader in its configuration (nil means crypto/rand).
//
// # Identifiers
//
// [IID] is a 64-bit interface identifier. [EUI64] forms the modified EUI-64
// from a MAC and [IID.MAC] reverses it; [Addr] joins a /64 prefix and an
// identifier; [LinkLocal] forms fe80::/64 addresses. [IID.Reserved] and
// [ReservedRanges] hold the IANA registry of reserved identifiers (RFC 5453).
//
// # Stable identifiers
//
// Every [Generator] takes a prefix and a DAD counter and returns an
// identifier; [Form] runs the DAD retry loop of RFC 7217 section 6.
//
//   - [RFC7217]: the generic algorithm with SHA-256 or any [PRF].
//   - [Linux]: the kernel's addr_gen_mode 2 and 3 (one raw SHA-1 block over
//     stable_secret, prefix, permanent MAC and dad_count, stored in the
//     CPU's byte order: Linux.ByteOrder is this host's unless set, big-endian
//     for classic MIPS routers (ath79), s390x and ppc64, little-endian for
//     mipsel (MT7621), arm and x86).
//   - [NetworkManager]: ipv6.addr-gen-mode=stable-privacy, with
//     [ExpandNMStableID] for connection.stable-id templates and [NMHostID]
//     for /var/lib/NetworkManager/secret_key.
//   - [Networkd]: systemd-networkd's Token=prefixstable (SipHash-2-4), with
//     [NetworkdKey] for the machine-derived key and
//     [NetworkdLinkLocalSecret] for the stable_secret it writes.
//
// Each one reproduces its system's handling of reserved identifiers and
// retry limits exactly, including where that differs from the RFCs.
//
// NetworkManager's stable-id rules changed after 1.42: [NMVersion] selects
// a release's (1.42, 1.44 with "default${CONNECTION}", 1.46 with
// ${NETWORK_SSID}; the zero value is the newest).
//
// # A host's own configuration
//
// [Host] holds everything a Linux host uses for one interface: the
// kernel's sysctls ([KernelConf]: addr_gen_mode, stable_secret or the
// default one, idgen_retries, the temporary-address lifetimes), the
// permanent and current MAC, and when NetworkManager or systemd-networkd
// manages it, their configuration ([NMHost], [NetworkdHost]). Its
// [Host.Rules] and [Host.LinkLocalRule] yield the generator the host
// really uses, with where its inputs came from, and [Host.TempProfile]
// the RFC 8981 profile. Package slaac/host fills a Host from the running
// system; the text formats it reads have pure parsers here
// ([ParseKernelConf], [ParseNMConnection], [ParseNMConf],
// [ParseNMDeviceState], [ParseNetworkdNetwork], [ParseNetworkdToken],
// [ParseNetworkdLinkState]).
//
// # How an address was formed
//
// [Classify] tells, for any address, a [Kind]: EUI-64 of the MAC or of
// another, stable-privacy (verified with the host's generators, or flagged
// by the kernel), temporary (kernel flags) or likely temporary (beside the
// host's stable address), reserved, manual (low-byte) or opaque. It needs
// no configuration; each [Evidence] given makes it surer.
//
// # Temporary addresses
//
// [TempManager] implements RFC 8981 temporary addresses for one interface,
// driven by prefix information, the passing of time and DAD results, each
// given with the time it happens at (TempManager.PrefixInfo(now, …)); a
// caller with a timer wakes at [TempManager.NextDeadline] and calls
// [TempManager.Advance]. [RFC8981Profile] and [LinuxProfile] hold the two
// sets of defaults.
//
// # Verified against the real systems
//
// As root, the package's interop tests form addresses with the real thing in
// network namespaces and compare bit for bit: the running Linux kernel
// (addr_gen_mode 2 and 3, link-local, DAD conflicts to dad_count 1 and 2,
// temporary-address lifetimes and regeneration), systemd-networkd 252
// (Token=prefixstable with a key and machine-derived, stable-privacy
// link-local) and NetworkManager 1.42 (v2 secret_key, UUID, stable-id and
// template network IDs, link-local, DAD conflicts).
//
// # Errors
//
// Errors wrap the sentinels [ErrPrefix], [ErrMAC], [ErrIID], [ErrSecret],
// [ErrIDGenRetries], [ErrNoAddress] and [ErrTempConfig]; test them with
// errors.Is. Text that does not parse comes back as a [*ParseError] with the
// byte offset of the problem and the input quoted in its cause. Nil and
// out-of-range arguments (a nil MAC, a prefix that is not a /64, a negative
// lifetime or DAD counter, a nil generator) return errors, never panic.
package slaac
