package ast

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"
)

// Fprint writes a readable dump of a node, one field a line, the way
// go/ast.Fprint does; golden files of the corpus's syntax trees use it.
// With syntax false, what only records how the source was written
// (positions, the quoting of strings) is left out, so that two trees can be
// compared for meaning alone (the printer's round-trip test does).
func Fprint(w io.Writer, node any, syntax bool) error {
	d := &dumper{w: w, positions: syntax}
	d.value(reflect.ValueOf(node), 0)
	return d.err
}

type dumper struct {
	w         io.Writer
	positions bool
	err       error
}

var (
	posType      = reflect.TypeOf(Pos{})
	durationType = reflect.TypeOf(time.Duration(0))
)

func (d *dumper) printf(format string, args ...any) {
	if d.err == nil {
		_, d.err = fmt.Fprintf(d.w, format, args...)
	}
}

func (d *dumper) value(v reflect.Value, depth int) {
	indent := strings.Repeat("  ", depth)
	switch v.Kind() {
	case reflect.Interface, reflect.Pointer:
		if v.IsNil() {
			d.printf("nil")
			return
		}
		// Without syntax, grouping parentheses are how it was written,
		// not what it means: the tree shows the grouping itself.
		if p, ok := v.Interface().(*ParenExpr); ok && !d.positions {
			d.value(reflect.ValueOf(p.X), depth)
			return
		}
		d.value(v.Elem(), depth)
	case reflect.Struct:
		if v.Type() == posType {
			p := v.Interface().(Pos)
			d.printf("%d:%d", p.Line, p.Col)
			return
		}
		d.printf("%s {\n", v.Type().Name())
		for i := 0; i < v.NumField(); i++ {
			f := v.Type().Field(i)
			if (f.Type == posType || f.Type == reflect.TypeOf(Quote(0))) && !d.positions {
				continue
			}
			// Ends are left out even with positions: the tree's dumps
			// stay about where nodes begin, and ast's tests check every
			// end against the source instead.
			if f.Name == "EndAt" {
				continue
			}
			if isZero(v.Field(i)) {
				continue
			}
			d.printf("%s  %s: ", indent, f.Name)
			d.value(v.Field(i), depth+1)
			d.printf("\n")
		}
		d.printf("%s}", indent)
	case reflect.Slice:
		d.printf("[\n")
		for i := 0; i < v.Len(); i++ {
			d.printf("%s  ", indent)
			d.value(v.Index(i), depth+1)
			d.printf("\n")
		}
		d.printf("%s]", indent)
	case reflect.String:
		d.printf("%q", v.String())
	case reflect.Int, reflect.Int64:
		switch {
		case v.Type() == durationType:
			d.printf("%s", time.Duration(v.Int()))
		case v.Type() == reflect.TypeOf(Op(0)):
			d.printf("%s", Op(v.Int()))
		case v.Type() == reflect.TypeOf(Quote(0)):
			d.printf("%s", [...]string{"double", "single", "smart", "unquoted"}[v.Int()])
		default:
			d.printf("%d", v.Int())
		}
	default:
		d.printf("%v", v.Interface())
	}
}

// isZero leaves out empty fields, keeping the dump short; an Op or a Quote
// of value zero is meaningful and kept.
func isZero(v reflect.Value) bool {
	switch v.Type() {
	case reflect.TypeOf(Op(0)), reflect.TypeOf(Quote(0)):
		return false
	}
	return v.IsZero()
}
