// Package lab builds throw-away IPv6 networks out of Linux network
// namespaces, veth pairs and bridges, runs code and peer daemons inside them,
// and removes everything afterwards. Every interop test and the lab program
// (examples/lab) stand on it.
//
// Every namespace a [Lab] makes is named "v6k-<id>-<name>", where id is
// random per Lab, so parallel tests and labs never collide, and [Leftovers]
// can find (and [Lab.Close] remove) exactly what v6kit made and nothing else.
// Interfaces are created directly inside namespaces: nothing is ever added to,
// or changed in, the root namespace.
//
// Tests use [New], which skips without root (see sdktest) and registers
// cleanup with t.Cleanup, so namespaces and daemons go away even when the
// test fails. Programs use [Open] and call [Lab.Close].
package lab
