// Package lang is the home of the target languages' written form: one
// package per language (lang/splunk, lang/eql, lang/dnif, lang/logpoint,
// lang/kql) holds its lexer, keywords, operators and the quoting and
// escaping of its string literals, each rule with its source. The writers
// quote and check names with them, the drift readers and the agreement
// tests' interpreters read queries with them, and tests hold the writers'
// tables to them, so that what is written and what is read cannot
// disagree.
//
// This package holds what the languages share: the error of a query that
// cannot be lexed, and the lexer of the term languages (Splunk's search
// and LogPoint's), which write a search as terms side by side,
// field=value comparisons, parentheses, brackets and pipes, and differ in
// their quoting (TermRules).
package lang

import (
	"fmt"
	"strings"

	"github.com/cartrans/cartrans/profile"
)

// Error is text a lexer or reader could not read.
type Error struct {
	Pos int // byte offset in the query
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("offset %d: %s", e.Pos, e.Msg) }

// Kind is the kind of a term language's token.
type Kind int

const (
	Word   Kind = iota // a bare word: a field, a value, a keyword
	Str                // a quoted string; Text is its value, unescaped
	Op                 // = == != < <= > >=
	LParen             // (
	RParen             // )
	LBrack             // [
	RBrack             // ]
	Pipe               // |
	Comma              // ,
	Macro              // `macro` (Splunk), Text as written
	EOF
)

// Token is a lexeme of a term language.
type Token struct {
	Kind Kind
	// Text is a word's text (escapes removed), a string's value, an
	// operator or punctuation mark as written.
	Text string
	// Pos is the byte offset of the token in the query.
	Pos int
}

// TermRules are what a term language's strings and words mean.
type TermRules struct {
	// Escapes lists the characters a backslash escapes, in a bare word
	// and in a quoted string (where it escapes the quote too); "" when a
	// backslash is always itself (LogPoint).
	Escapes string
	// Single: 'text' is a string too (LogPoint).
	Single bool
}

// LexTerms cuts a query of a term language into tokens, ending with one of
// kind EOF. An unterminated string or macro is an error.
func LexTerms(q string, r TermRules) ([]Token, error) {
	var out []Token
	i := 0
	for i < len(q) {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"' || (c == '\'' && r.Single):
			var b strings.Builder
			j := i + 1
			for ; j < len(q) && q[j] != c; j++ {
				if r.Escapes != "" && q[j] == '\\' && j+1 < len(q) && (q[j+1] == c || strings.IndexByte(r.Escapes, q[j+1]) >= 0) {
					j++
				}
				b.WriteByte(q[j])
			}
			if j >= len(q) {
				return nil, &Error{Pos: i, Msg: "unterminated string"}
			}
			out = append(out, Token{Str, b.String(), i})
			i = j + 1
		case c == '`':
			j := strings.IndexByte(q[i+1:], '`')
			if j < 0 {
				return nil, &Error{Pos: i, Msg: "unterminated macro"}
			}
			out = append(out, Token{Macro, q[i : i+j+2], i})
			i += j + 2
		case strings.IndexByte("()[]|,", c) >= 0:
			out = append(out, Token{punct[strings.IndexByte("()[]|,", c)], string(c), i})
			i++
		case c == '=' || c == '<' || c == '>' || (c == '!' && i+1 < len(q) && q[i+1] == '='):
			j := i + 1
			if j < len(q) && q[j] == '=' {
				j++
			}
			out = append(out, Token{Op, q[i:j], i})
			i = j
		default:
			var b strings.Builder
			j := i
			for j < len(q) && !wordEnd(q, j) {
				if r.Escapes != "" && q[j] == '\\' && j+1 < len(q) && strings.IndexByte(r.Escapes, q[j+1]) >= 0 {
					j++
				}
				b.WriteByte(q[j])
				j++
			}
			out = append(out, Token{Word, b.String(), i})
			i = j
		}
	}
	return append(out, Token{EOF, "", len(q)}), nil
}

var punct = [...]Kind{LParen, RParen, LBrack, RBrack, Pipe, Comma}

// wordEnd reports whether a bare word ends at q[j]: at a space, a quote,
// punctuation, an operator or a macro.
func wordEnd(q string, j int) bool {
	switch q[j] {
	case ' ', '\t', '\n', '\r', '"', '(', ')', '[', ']', '|', ',', '=', '<', '>', '`':
		return true
	case '!':
		return j+1 < len(q) && q[j+1] == '='
	}
	return false
}

// Unquote reads lit, one whole string literal of a term language, to its
// value.
func Unquote(lit string, r TermRules) (string, error) {
	toks, err := LexTerms(lit, r)
	if err != nil {
		return "", err
	}
	if len(toks) != 2 || toks[0].Kind != Str || toks[0].Pos != 0 {
		return "", &Error{Pos: 0, Msg: "not one string literal"}
	}
	return toks[0].Text, nil
}

// FirstControl is the offset of s's first control character, or -1:
// the characters (C0 and C1 controls, DEL, format characters, line and
// paragraph separators: profile.IsControl, the writers' own test) that no
// source says these languages' literals may hold raw.
func FirstControl(s string) int {
	return strings.IndexFunc(s, profile.IsControl)
}
