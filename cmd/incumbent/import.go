package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/domain"
)

func runImport(ctx context.Context, args []string, env Env, cfg Config) error {
	fs := flags("import", env)
	cfg.dbFlag(fs)
	cfg.mapFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg.applyFlags(fs)
	if len(pos) != 1 {
		return usageError{"give one directory of CSV files: incumbent import [--db PATH] [--map FILE] DIR"}
	}
	if st, err := os.Stat(pos[0]); err != nil || !st.IsDir() {
		return domain.Errorf(domain.ENOTFOUND, "directory %s does not exist", pos[0])
	}
	// The mapping is checked before the database is opened: a wrong one changes nothing.
	var mapping *csvimport.Mapping
	if cfg.ImportMap != "" {
		if mapping, err = csvimport.LoadMapping(cfg.ImportMap); err != nil {
			return err
		}
	}
	store, _, _, err := openAppStore(ctx, cfg.DatabaseURL, cfg.DB)
	if err != nil {
		return err
	}
	defer store.Close()
	return importDir(ctx, store, pos[0], mapping, env, cfg.MemoryLimitSet)
}

// importMemoryLimit is the Go heap's soft limit during an import, unless GOMEMLIMIT sets
// one: without a limit the garbage of millions of parsed lines lets the heap grow to
// twice its live size between collections. The live size is small while files are
// read (key hashes, the write queue; a first load's sorted runs, about 40 MB) and 60–80
// MB while the read model is rebuilt (potentials, pipeline and grade inputs of every
// account), up to 125 MB when a first load merges its runs; a limit close to it makes
// the collector run without pause. Measured on the N=20000 demo set (7.6 million rows):
// 64 MiB, 58 s and 194 MB peak RSS (2,562 collections); 256 MiB, 45–48 s and 262 MB.
const importMemoryLimit = 256 << 20

// importDir imports dir into the store, reading exports through mapping when it is not
// nil, with a progress bar per file when stderr is a terminal, and prints a line per
// file (and, for a mapped export, the columns the mapping leaves out) and a total.
// memoryLimitSet says GOMEMLIMIT is set, which then stands.
func importDir(ctx context.Context, store csvimport.Store, dir string, mapping *csvimport.Mapping, env Env, memoryLimitSet bool) error {
	if !memoryLimitSet {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(importMemoryLimit))
	}
	im := &csvimport.Importer{Store: store, Now: env.Now, Mapping: mapping}
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		im.Progress = func(file string, size int64) io.WriteCloser {
			return progressBar{progressbar.DefaultBytes(size, file)}
		}
	}
	start := env.Now()
	rep, err := im.Import(ctx, dir)
	if err != nil {
		return err
	}
	lines := 0
	for _, f := range rep.Files {
		rate := ""
		if secs := f.Duration.Seconds(); secs > 0.05 {
			rate = fmt.Sprintf("  %s rows/s", groupDigits(int(float64(f.Rows)/secs)))
		}
		fmt.Fprintf(env.Stdout, "%-24s %10s rows in %8s%s\n", f.Name, groupDigits(f.Rows), f.Duration.Round(time.Millisecond), rate)
		if f.MappedTo != "" {
			ignored := "every column used"
			if len(f.Ignored) > 0 {
				ignored = "columns left out: " + strings.Join(f.Ignored, ", ")
			}
			fmt.Fprintf(env.Stdout, "  read as %s through the mapping; %s\n", f.MappedTo, ignored)
		}
		lines += f.Rows
	}
	for _, f := range rep.Skipped {
		fmt.Fprintf(env.Stdout, "%-24s skipped: not an Incumbent file\n", f)
	}
	fmt.Fprintf(env.Stdout, "imported %s rows from %d files in %s; data version %d\n",
		groupDigits(lines), len(rep.Files), env.Now().Sub(start).Round(time.Millisecond), rep.Version)
	return nil
}

// progressBar closes a schollz/progressbar bar by finishing it.
type progressBar struct{ *progressbar.ProgressBar }

func (p progressBar) Close() error { return p.Finish() }

// groupDigits writes n with thousands separators.
func groupDigits(n int) string {
	s := fmt.Sprint(n)
	neg := n < 0
	if neg {
		s = s[1:]
	}
	var out []byte
	for i := range len(s) {
		if i > 0 && (len(s)-i)%3 == 0 {
			out = append(out, ',')
		}
		out = append(out, s[i])
	}
	if neg {
		return "-" + string(out)
	}
	return string(out)
}
