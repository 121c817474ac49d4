package parser

import (
	"bytes"
	"encoding/json"
)

// equalJSON compares two values by their JSON form, so a json.Number and
// an int with the same digits are equal.
func equalJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && bytes.Equal(x, y)
}
