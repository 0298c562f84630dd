package main

import (
	"context"
	"fmt"

	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/domain"
)

func runDemo(ctx context.Context, args []string, env Env, _ Config) error {
	fs := flags("demo", env)
	n := fs.Int("accounts", 200, "number of accounts (20000 gives about five million sales lines)")
	months := fs.Int("months", 24, "months of sales history")
	end := fs.String("end", "", "last day of history, YYYY-MM-DD (default today)")
	seed := fs.Int64("seed", 1, "random seed: the same seed gives the same files")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usageError{"give the directory to write: incumbent demo [--accounts N] DIR"}
	}
	if *n < 1 || *months < 1 {
		return usageError{"--accounts and --months must be at least 1"}
	}
	opt := demo.Options{Accounts: *n, Months: *months, End: domain.Day(env.Now()), Seed: *seed}
	if *end != "" {
		d, err := domain.ParseDate(*end)
		if err != nil {
			return usageError{fmt.Sprintf("--end: %q is not a date (YYYY-MM-DD)", *end)}
		}
		opt.End = d
	}
	sum, err := demo.Write(ctx, pos[0], opt)
	if err != nil {
		return err
	}
	for _, f := range sum.Files {
		fmt.Fprintf(env.Stdout, "%-24s %10s rows\n", f.Name, groupDigits(f.Rows))
	}
	fmt.Fprintf(env.Stdout, "wrote a demo company of %d accounts, %d months to %s, into %s\n",
		*n, *months, opt.End.Format(domain.DateLayout), pos[0])
	return nil
}
