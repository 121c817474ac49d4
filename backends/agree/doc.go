// Package agree holds the test that the native engine, the reference of
// the pseudocode's meaning, and a query backend agree on which events a
// condition keeps: the backend's query is read and evaluated by a
// test-only interpreter of its language, over the same events.
package agree
