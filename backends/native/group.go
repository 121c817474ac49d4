package native

import (
	"math"
	"slices"
	"strings"

	"github.com/cartrans/cartrans/ir"
	"github.com/cartrans/cartrans/profile"
)

// group is one group's key values and its columns so far.
type group struct {
	keys map[string]string
	cols []*column
}

// column accumulates one aggregate.
type column struct {
	n          int // values seen (events, for count())
	sum, sumsq float64
	nums       int // values that were numbers
	min, max   any // float64 or string
	distinct   map[string]bool
	values     []string
}

// groupEvent adds an event of the group's source to its group.
func (e *Engine) groupEvent(o *output, p *plan, x *event, _ *profile.Event) error {
	k, ok := key(p.by, x)
	if !ok {
		return nil // an event lacking a key belongs to no group
	}
	g := o.groups[k]
	if g == nil {
		if err := e.grow(o); err != nil {
			return err
		}
		g = &group{keys: map[string]string{}}
		for i, f := range o.query.Aggregate.By {
			g.keys[f.Name], _ = value(p.by[i], x)
		}
		for range p.items {
			g.cols = append(g.cols, &column{})
		}
		o.groups[k] = g
		o.order = append(o.order, k)
	}
	for i, it := range p.items {
		c := g.cols[i]
		if it.Field == nil {
			c.n++ // count(): every event
			continue
		}
		v, ok := value(it.field, x)
		if !ok {
			continue // aggregates ignore absent values
		}
		var num float64
		isNum := false
		if it.Field.Name == "time" {
			num, isNum = float64(x.time.UnixNano())/1e9, true
		} else {
			num, isNum = number(v)
		}
		c.add(it.Func, v, num, isNum)
	}
	return nil
}

func (c *column) add(fn, v string, num float64, isNum bool) {
	c.n++
	switch fn {
	case "unique":
		if c.distinct == nil {
			c.distinct = map[string]bool{}
		}
		if !c.distinct[strings.ToLower(v)] {
			c.distinct[strings.ToLower(v)] = true
			c.values = append(c.values, v)
		}
	case "values":
		c.values = append(c.values, v)
	case "min", "max":
		var val any = strings.ToLower(v)
		if isNum {
			val = num
		}
		if c.min == nil || less(val, c.min) {
			c.min = val
		}
		if c.max == nil || less(c.max, val) {
			c.max = val
		}
	default:
		if isNum {
			c.nums++
			c.sum += num
			c.sumsq += num * num
		}
	}
}

// less orders numbers before text, numbers numerically, text by code
// point (docs/pseudocode.md §5.4).
func less(a, b any) bool {
	an, aNum := a.(float64)
	bn, bNum := b.(float64)
	switch {
	case aNum && bNum:
		return an < bn
	case aNum != bNum:
		return aNum
	}
	return a.(string) < b.(string)
}

// result is a column's value: a number, text, or a list; ok is false for
// an aggregate over no values (absent).
func (c *column) result(fn string) (any, bool) {
	switch fn {
	case "count":
		return float64(c.n), true
	case "unique", "values":
		if c.n == 0 {
			return nil, false
		}
		return slices.Clone(c.values), true
	case "min":
		return c.min, c.min != nil
	case "max":
		return c.max, c.max != nil
	case "sum":
		return c.sum, c.nums > 0
	case "avg":
		if c.nums == 0 {
			return nil, false
		}
		return c.sum / float64(c.nums), true
	case "stddev":
		if c.nums < 2 {
			return nil, false
		}
		n := float64(c.nums)
		variance := (c.sumsq - c.sum*c.sum/n) / (n - 1)
		return math.Sqrt(math.Max(variance, 0)), true
	}
	return nil, false
}

// row is a group's columns when its condition holds.
func (g *group) row(agg *ir.Aggregate) (map[string]any, bool) {
	row := map[string]any{}
	nums := map[string]float64{}
	has := map[string]bool{}
	for name, v := range g.keys {
		row[name] = v
		if n, ok := number(v); ok {
			nums[name], has[name] = n, true
		}
	}
	for i, it := range agg.Items {
		v, ok := g.cols[i].result(it.Func)
		if !ok {
			continue
		}
		row[it.As] = v
		switch v := v.(type) {
		case float64:
			nums[it.As], has[it.As] = v, true
		case []string:
			// A list compared with a number is its length (unique(user) > 1).
			nums[it.As], has[it.As] = float64(len(v)), true
		}
	}
	return row, holds(agg.Having, nums, has)
}

// holds evaluates a condition on a group's columns: sums and differences
// of columns against numbers; a comparison with an absent column is false.
func holds(c ir.Cond, nums map[string]float64, has map[string]bool) bool {
	switch c := c.(type) {
	case nil:
		return true
	case ir.And:
		for _, t := range c.Terms {
			if !holds(t, nums, has) {
				return false
			}
		}
		return true
	case ir.Or:
		for _, t := range c.Terms {
			if holds(t, nums, has) {
				return true
			}
		}
		return false
	case ir.Not:
		return !holds(c.X, nums, has)
	case ir.Having:
		total := 0.0
		for _, t := range c.Terms {
			if !has[t.Name] {
				return false
			}
			if t.Subtract {
				total -= nums[t.Name]
			} else {
				total += nums[t.Name]
			}
		}
		switch c.Op {
		case "==":
			return total == c.Value
		case "!=":
			return total != c.Value
		case "<":
			return total < c.Value
		case "<=":
			return total <= c.Value
		case ">":
			return total > c.Value
		case ">=":
			return total >= c.Value
		}
	}
	return false
}
