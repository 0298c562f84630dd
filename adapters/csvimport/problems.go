package csvimport

import (
	"fmt"
	"strings"

	"github.com/incumbent/incumbent/domain"
)

// Problem is one thing wrong in an import, located by file, line and column.
type Problem struct {
	File    string
	Line    int    // 1 is the header; 0 when the problem is with the whole file
	Column  string // empty when the problem is with the whole line or file
	Message string
}

// String formats the problem as file:line: column: message.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	b.WriteString(": ")
	if p.Column != "" {
		b.WriteString(p.Column)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ImportError is returned when an import was refused: nothing was written. It lists the
// first problems found (up to the importer's limit) and counts all of them.
type ImportError struct {
	Problems []Problem
	Total    int
}

// Error lists the problems, one per line.
func (e *ImportError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "import refused, nothing was written: %d problem", e.Total)
	if e.Total != 1 {
		b.WriteString("s")
	}
	for _, p := range e.Problems {
		b.WriteString("\n")
		b.WriteString(p.String())
	}
	if more := e.Total - len(e.Problems); more > 0 {
		fmt.Fprintf(&b, "\n… and %d more", more)
	}
	return b.String()
}

// Unwrap gives the refusal its domain code, EINVALID.
func (e *ImportError) Unwrap() error {
	return domain.Errorf(domain.EINVALID, "import refused: %d problems in the files", e.Total)
}
