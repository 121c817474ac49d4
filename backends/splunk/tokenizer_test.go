package splunk_test

import "fmt"

// A test-only SPL tokenizer: enough of the search command and eval to tell
// a string literal from the query around it. In both, a quoted string
// reads \\ as a backslash and \" as a quote (Splunk Search Reference,
// "search", Quotes and escaping; "eval", literal strings).

type kind int

const (
	word kind = iota
	str
	punct
	pipe
)

type token struct {
	kind kind
	text string
}

func tokenize(q string) ([]token, error) {
	var out []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n':
			i++
		case c == '"':
			var b []byte
			j := i + 1
			for ; j < len(q) && q[j] != '"'; j++ {
				if q[j] == '\\' && j+1 < len(q) && (q[j+1] == '\\' || q[j+1] == '"') {
					j++
				}
				b = append(b, q[j])
			}
			if j >= len(q) {
				return nil, fmt.Errorf("unterminated string at %d", i)
			}
			out = append(out, token{str, string(b)})
			i = j + 1
		case c == '|':
			out = append(out, token{pipe, "|"})
			i++
		case c == '(' || c == ')' || c == '=' || c == ',' || c == '[' || c == ']' || c == '<' || c == '>' || c == '!':
			out = append(out, token{punct, string(c)})
			i++
		default:
			j := i
			for j < len(q) && q[j] != ' ' && q[j] != '"' && q[j] != '(' && q[j] != ')' && q[j] != '=' && q[j] != '|' && q[j] != ',' && q[j] != '\n' {
				j++
			}
			out = append(out, token{word, q[i:j]})
			i = j
		}
	}
	return out, nil
}
