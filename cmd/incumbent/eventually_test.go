package main

import (
	"testing"
	"time"
)

// eventually polls cond every 20 ms until it holds, and reports whether it did before
// timeout: the tests wait for what they expect, never a fixed time.
func eventually(t *testing.T, timeout time.Duration, cond func() bool) bool {
	t.Helper()
	for deadline := time.Now().Add(timeout); ; time.Sleep(20 * time.Millisecond) {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}
