//go:build !unix

package http

// openFileLimit is unknown here: DefaultMaxConns is its cap.
func openFileLimit() int { return 0 }
