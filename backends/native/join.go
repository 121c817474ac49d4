package native

import (
	"slices"

	"github.com/cartrans/cartrans/profile"
)

// joinState holds the events a join may still pair, by key.
type joinState struct {
	left, right map[string][]*held
}

type held struct {
	x   *event
	car map[string]string
}

// joinEvent pairs an event with the held events of the other side that
// share its key and meet the time bound, then holds it for later events.
// Input is in time order: a left event older than the bound can pair with
// nothing more and is dropped. An unordered join without a bound holds
// every event of both sides (bounded by --max-state).
func (e *Engine) joinEvent(o *output, p *plan, x *event, lDef, rDef *profile.Event) error {
	j := o.query.Join
	st := o.join
	timed := j.Ordered || j.Within > 0
	if timed && x.time.IsZero() {
		return nil // a time-bounded join cannot place an event without a time
	}
	if j.Within > 0 {
		for k, hs := range st.left {
			keep := hs[:0]
			for _, h := range hs {
				if x.time.Sub(h.x.time) < j.Within {
					keep = append(keep, h)
				} else {
					e.state--
				}
			}
			if len(keep) == 0 {
				delete(st.left, k)
			} else {
				st.left[k] = keep
			}
		}
	}
	var lKey, rKey string
	var lOK, rOK bool
	if lDef != nil {
		lKey, lOK = key(p.leftKeys, x)
	}
	if rDef != nil {
		rKey, rOK = key(p.rightKeys, x)
	}
	emit := func(l, r *held) {
		e.emit(Match{Analytic: o.analytic, Output: o.name, Pair: map[string]*Match{
			"left":  {Fields: l.car, Event: l.x.Raw, File: l.x.File, Line: l.x.Line},
			"right": {Fields: r.car, Event: r.x.Raw, File: r.x.File, Line: r.x.Line},
		}})
	}
	if lOK || rOK {
		x.Raw = slices.Clone(x.Raw) // held past its block's life
	}
	var self *held
	if lOK {
		self = &held{x: x, car: carFields(lDef, x)}
		if !j.Ordered {
			for _, r := range st.right[lKey] {
				emit(self, r)
			}
		}
		if err := e.grow(o); err != nil {
			return err
		}
		st.left[lKey] = append(st.left[lKey], self)
	}
	if rOK {
		r := &held{x: x, car: carFields(rDef, x)}
		for _, l := range st.left[rKey] {
			if l == self && j.Ordered {
				continue
			}
			if j.Ordered && !l.x.time.Before(x.time) {
				continue
			}
			emit(l, r)
		}
		if !j.Ordered {
			if err := e.grow(o); err != nil {
				return err
			}
			st.right[rKey] = append(st.right[rKey], r)
		}
	}
	return nil
}
