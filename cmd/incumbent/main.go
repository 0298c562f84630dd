// Command incumbent is Incumbent's one binary: it serves chat over HTTP with health,
// metrics and a web playground (serve, the default), imports a company's CSV exports,
// generates demo data, answers the chat commands from the terminal (ask, chat) and writes
// the Microsoft Teams app package (teams-package).
// Main wires the adapters into the bot and is what the tests run.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
	// The IANA time zone database in the binary: territories' digests fall due in their
	// own time zones, also on machines and containers without /usr/share/zoneinfo.
	_ "time/tzdata"

	"github.com/incumbent/incumbent/adapters/csvimport"
	"github.com/incumbent/incumbent/domain"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Now: time.Now,
	}))
}

// Env is what Main needs from the process, so tests can give their own.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Now    func() time.Time
}

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1 // the command ran and failed (bad input, an error reply)
	exitUsage = 2 // the command line was wrong
)

const usage = `Incumbent: gap, grade and deal analysis for B2B sales teams, in chat.

Usage:
  incumbent [serve] [--addr HOST:PORT] [--db PATH] [--as-of DATE] [--settings FILE]
                                            serve chat, /healthz, /readyz, /metrics and the
                                            web playground (default 127.0.0.1:8080)
  incumbent import [--db PATH] [--map FILE] DIR
                                            load the CSV files in DIR (all or nothing);
                                            --map reads other exports as them (docs/CSV.md)
  incumbent demo [--accounts N] [--months M] [--end DATE] [--seed S] DIR
                                            write a realistic demo company's CSV files
  incumbent ask [--db PATH] [--as-of DATE] [--as EMAIL] [--format text|json|slack|teams]
                [--settings FILE] "COMMAND"  answer one command and exit
  incumbent chat [--db PATH] [--as-of DATE] [--as EMAIL] [--settings FILE]
                                            talk to the bot in the terminal
  incumbent digest [--db PATH] [--as-of DATE] [--format text|json|slack|teams] [--send]
                TERRITORY|--all             print a territory's weekly digest, or --send this
                                            week's now (Slack or Teams from the environment)
  incumbent sync [--db PATH] [--map FILE] [--full] salesforce|hubspot
                                            pull accounts, owners and opportunities from the
                                            CRM into the database (all or nothing; docs/CRM.md)
  incumbent teams-package --app-id ID [--out FILE] [--name NAME] [--developer NAME]
                [--website URL] [--privacy URL] [--terms URL] [--version X.Y.Z]
                                            write the app package to upload in Microsoft Teams

The database is --db, else $INCUMBENT_DB, else ./incumbent.db. With no database,
serve and chat create it with the demo data set first. Settings (grade weights, thresholds and
rates) come from --settings, else $INCUMBENT_SETTINGS, else the built-in defaults; see
docs/settings.example.toml. Type "help" in chat for the commands.
`

// Main runs the command line and returns the exit status.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Now == nil {
		env.Now = time.Now
	}
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	// No command, or flags first, means serve.
	if len(args) == 0 || (strings.HasPrefix(args[0], "-") && args[0] != "-h" && args[0] != "--help" && args[0] != "-help") {
		args = append([]string{"serve"}, args...)
	}
	cfg := readConfig(env)
	var run func(context.Context, []string, Env, Config) error
	switch args[0] {
	case "serve":
		run = runServe
	case "import":
		run = runImport
	case "demo":
		run = runDemo
	case "ask":
		run = runAsk
	case "chat":
		run = runChat
	case "digest":
		run = runDigest
	case "teams-package":
		run = runTeamsPackage
	case "sync":
		run = runSync
	case "help", "-h", "--help":
		fmt.Fprint(env.Stdout, usage)
		return exitOK
	default:
		fmt.Fprintf(env.Stderr, "incumbent: unknown command %q\n\n%s", args[0], usage)
		return exitUsage
	}
	err := run(ctx, args[1:], env, cfg)
	var ue usageError
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.As(err, &ue):
		fmt.Fprintf(env.Stderr, "incumbent %s: %s\n", args[0], redactText(err.Error(), cfg.Secrets))
		return exitUsage
	case errors.Is(err, errReplied):
		return exitFail
	default:
		fmt.Fprintf(env.Stderr, "incumbent %s: %s\n", args[0], redactText(errorText(err), cfg.Secrets))
		return exitFail
	}
}

// errorText is what the command line prints for err: an import's list of problems in
// full, a domain error's message, anything else as it is.
func errorText(err error) string {
	var ie *csvimport.ImportError
	if errors.As(err, &ie) || domain.ErrorCode(err) == domain.EINTERNAL {
		return err.Error()
	}
	return domain.ErrorMessage(err)
}

// usageError is a mistake on the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// errReplied says the failure was already shown to the user as a reply.
var errReplied = errors.New("error reply")

// flags returns a flag set for a subcommand whose errors are returned, not printed.
func flags(name string, env Env) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	return fs
}

// parse parses flags placed before, between or after the positional arguments, which
// it returns. Flag errors become usage errors.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

// logger writes structured logs to stderr.
func logger(env Env, cfg Config) *slog.Logger {
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn, ReplaceAttr: redactAttr(cfg.Secrets)}))
}
