// Package ndp implements IPv6 Neighbor Discovery tasks on top of
// github.com/mdlayher/ndp, as described in RFC 4861 (Neighbor Discovery),
// RFC 4862 (duplicate address detection), RFC 8106 (RDNSS and DNSSL options),
// RFC 8781 (PREF64) and RFC 4191 (route information).
//
// It resolves addresses to MACs, probes for duplicates, harvests router
// advertisements, reads the kernel's neighbour cache, watches NDP traffic
// passively and advertises a small router.
package ndp
