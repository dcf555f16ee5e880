// Package ndp implements IPv6 Neighbor Discovery tasks on top of
// github.com/mdlayher/ndp, as described in RFC 4861 (Neighbor Discovery),
// RFC 4862 (duplicate address detection), RFC 8106 (RDNSS and DNSSL),
// RFC 4191 (router preference and route information) and RFC 8781 (PREF64).
//
// # Routers
//
// [SolicitRouters] sends a Router Solicitation and collects every Router
// Advertisement on the link within a wait, decoded into [Router] values:
// flags, lifetimes, MTU, [Prefix], [Route], [RDNSS], [DNSSL] and [PREF64].
// [ParseRouterAdvertisement] decodes one advertisement offline; a malformed
// option costs only itself.
//
// # Advertising
//
// [Advertiser] is a small router advertiser for one interface (RFC 4861,
// Section 6.2), a radvd in Go: unsolicited RAs at random intervals in
// [AdvertiserConfig.MinInterval, AdvertiserConfig.MaxInterval], the first
// [MaxInitialRtrAdvertisements] at most [MaxInitialRtrAdvertInterval]
// apart, solicited RAs after a random delay and never sooner than
// [MinDelayBetweenRAs] after the last one, and a final RA with router
// lifetime 0 when [Advertiser.Run] stops, which also withdraws its DNS
// servers, search domains, routes and PREF64 (lifetime 0, as radvd does by
// default) but keeps its prefixes. It sends prefix information,
// MTU, source link-layer address, RDNSS and DNSSL, PREF64 and route
// information options. [NewAdvertiser] opens its socket, [Advertiser.Close]
// closes it; randomness comes from [AdvertiserConfig.Rand] (crypto/rand by
// default).
//
// # Neighbours
//
// [Resolve] maps an address to a MAC with Neighbor Solicitations and
// retries, [ProbeDuplicate] runs one duplicate address detection probe,
// [Neighbors] and [NeighborTable] read the kernel's neighbour cache with
// state filtering (multicast entries and the host's own addresses left
// out), and a [Watcher] turns NDP traffic seen on the link into [Sighting]
// events.
//
// Sockets and netlink handles belong to the network namespace of the
// thread that opens them: open them inside the namespace you mean.
//
// # Platforms
//
// Socket and netlink functions work on Linux; elsewhere they return an
// error wrapping [errors.ErrUnsupported]. Parsers are pure and work
// everywhere. Functions given a nil interface or a negative duration
// return an error; none panics.
package ndp
