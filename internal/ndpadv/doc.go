// Package ndpadv is a minimal IPv6 router advertiser, as described in
// RFC 4861, Section 6.2, with the RDNSS/DNSSL (RFC 8106), PREF64 (RFC 8781)
// and route information (RFC 4191) options.
//
// It is being written beside package ndp and moves into it as
// ndp.Advertiser once that package settles; until then the lab uses it
// from here.
package ndpadv
