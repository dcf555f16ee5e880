//go:build linux

package labcmd

// acts lists the lab's stories in the order they run.
func acts(ps []prediction, raSource string, peers bool) []act {
	return []act{
		actPredict(ps, raSource),
		actRescue(ps),
		actMostlyV6(peers),
		actRouting(peers),
		actContainer(),
	}
}
