package sqlite

// SetTailFold sets how many lines a facts tail keeps before an import folds it, for a
// test, and returns the function that restores it.
func SetTailFold(n int) (restore func()) {
	old := tailFold
	tailFold = n
	return func() { tailFold = old }
}
