package nat64

import "golang.org/x/net/icmp"

// listenICMPv6 opens a raw ICMPv6 socket.
func listenICMPv6() (*icmp.PacketConn, error) { return icmp.ListenPacket("ip6:ipv6-icmp", "::") }
