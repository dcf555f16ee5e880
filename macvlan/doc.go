// Package macvlan manages the host-side macvlan "shim" that lets a Linux host
// reach its own macvlan containers (a macvlan child can never talk to its
// parent directly), with on-link routes through the shim (RFC 4191 route
// preference, RFC 4861 on-link prefixes).
package macvlan
