// Package lxdprofile builds, renders, applies and expands LXD profiles for
// containers on the LAN (macvlan, bridged, a two-NIC router), and predicts the
// SLAAC addresses (RFC 4862, RFC 4291 modified EUI-64) an instance will form.
package lxdprofile
