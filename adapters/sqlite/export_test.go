package sqlite

// SetTailFold sets how many lines a facts tail keeps before an import folds it, for a
// test, and returns the function that restores it.
func SetTailFold(n int) (restore func()) {
	old := tailFold
	tailFold = n
	return func() { tailFold = old }
}

// SetRuns sets the length of a sorted run and whether a first load keeps sorted runs at
// all, for a test, and returns the function that restores them.
func SetRuns(length int, on bool) (restore func()) {
	oldLen, oldOn := runLen, keepRuns
	runLen, keepRuns = length, on
	return func() { runLen, keepRuns = oldLen, oldOn }
}

// RunsMerged returns how many merges of sorted runs rebuild passes have read.
func RunsMerged() int64 { return runsMerged.Load() }
