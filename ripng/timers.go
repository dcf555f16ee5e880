package ripng

import (
	"container/heap"
	"encoding/binary"
	"io"
	"net/netip"
	"time"
)

// random returns a uniformly random duration in [lo, hi] from cfg.Rand.
func (c *core) random(lo, hi time.Duration) time.Duration {
	if hi <= lo {
		return lo
	}
	var b [8]byte
	if _, err := io.ReadFull(c.cfg.Rand, b[:]); err != nil {
		return lo + (hi-lo)/2
	}
	return lo + time.Duration(binary.BigEndian.Uint64(b[:])%uint64(hi-lo+1))
}

func (c *core) periodicDelay() time.Duration {
	return c.random(c.cfg.UpdateInterval-c.cfg.UpdateJitter, c.cfg.UpdateInterval+c.cfg.UpdateJitter)
}

// deadline is when e's running timer fires: the timeout of a reachable
// learned route, or the garbage collection of an unreachable one.
func (e *entry) deadline() time.Time {
	if !e.expire.IsZero() {
		return e.expire
	}
	return e.gcAt
}

// schedule puts e in the deadline heap at its deadline, or takes it out if
// no timer runs. Call it after every change of expire or gcAt.
func (c *core) schedule(e *entry) {
	switch {
	case e.deadline().IsZero():
		c.unschedule(e)
	case e.hidx < 0:
		heap.Push(&c.deadlines, e)
	default:
		heap.Fix(&c.deadlines, e.hidx)
	}
}

func (c *core) unschedule(e *entry) {
	if e.hidx >= 0 {
		heap.Remove(&c.deadlines, e.hidx)
	}
}

// tick runs the timers due at now: route timeouts, garbage collection,
// triggered and periodic updates. It touches only the routes whose timer
// is due.
func (c *core) tick(now time.Time) []outPkt {
	if !c.started {
		return nil
	}
	for len(c.deadlines) > 0 {
		e := c.deadlines[0]
		if now.Before(e.deadline()) {
			break
		}
		if !e.expire.IsZero() {
			c.stats.Timeouts++
			c.unreachable(now, e) // the garbage-collection timer starts
			continue
		}
		c.remove(e)
	}
	c.expireNeighbors(now)
	if !now.Before(c.nextPeriodic) {
		out := c.updateAll(c.sorted(), false)
		c.stats.PeriodicUpdates++
		c.clearChanged()
		c.nextPeriodic = now.Add(c.periodicDelay())
		return out
	}
	if c.trigPending && !now.Before(c.trigHoldUntil) {
		out := c.updateAll(c.changedSorted(), false)
		c.stats.TriggeredUpdates++
		c.clearChanged()
		c.trigHoldUntil = now.Add(c.random(c.cfg.TriggeredMin, c.cfg.TriggeredMax))
		return out
	}
	return nil
}

// next returns when tick must run next.
func (c *core) next() time.Time {
	t := c.nextPeriodic
	if c.trigPending && c.trigHoldUntil.Before(t) {
		t = c.trigHoldUntil
	}
	if len(c.deadlines) > 0 {
		if d := c.deadlines[0].deadline(); d.Before(t) {
			t = d
		}
	}
	return t
}

// expireNeighbors forgets neighbours silent for longer than a route lives
// (timeout plus garbage collection) that no route points to any more. One
// pass over the table, and only when some neighbour is that old.
func (c *core) expireNeighbors(now time.Time) {
	type key struct {
		ifi  *iface
		addr netip.Addr
	}
	var stale map[key]bool
	for _, ifi := range c.ifaces {
		for a, n := range ifi.neighbors {
			if now.Sub(n.lastSeen) > c.cfg.Timeout+c.cfg.GarbageCollection {
				if stale == nil {
					stale = make(map[key]bool)
				}
				stale[key{ifi, a}] = true
			}
		}
	}
	if stale == nil {
		return
	}
	for _, e := range c.table {
		if !e.static {
			delete(stale, key{e.ifi, e.from})
		}
	}
	for k := range stale {
		delete(k.ifi.neighbors, k.addr)
	}
}

// deadlineHeap orders entries by deadline (container/heap).
type deadlineHeap []*entry

func (h deadlineHeap) Len() int           { return len(h) }
func (h deadlineHeap) Less(i, j int) bool { return h[i].deadline().Before(h[j].deadline()) }
func (h deadlineHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].hidx, h[j].hidx = i, j
}
func (h *deadlineHeap) Push(x any) {
	e := x.(*entry)
	e.hidx = len(*h)
	*h = append(*h, e)
}
func (h *deadlineHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	e.hidx = -1
	*h = old[:len(old)-1]
	return e
}
