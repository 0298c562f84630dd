package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/incumbent/incumbent/adapters/demo"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/openai"
	"github.com/incumbent/incumbent/adapters/plot"
	slackadapter "github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// session is what ask and chat share: the store, the bot and who is asking.
type session struct {
	store appStore
	where string // the database, for messages (a URL without its password)
	bot   *bot.Bot
	actor bot.Actor
	asOf  time.Time
}

// openSession opens the database (creating it with demo data when createDemo is set and
// it does not exist) and identifies the asker. cfg is checked (Config.checkBot).
func openSession(ctx context.Context, env Env, cfg Config, as string, createDemo bool) (*session, error) {
	settings, err := loadSettings(cfg.Settings)
	if err != nil {
		return nil, err
	}
	db := cfg.DB
	if cfg.DatabaseURL == "" && !createDemo {
		if _, err := os.Stat(db); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: load your data with `incumbent import --db %s DIR`, or start `incumbent chat` to create one with demo data", db, db)
		}
	}
	store, missing, where, err := openAppStore(ctx, cfg.DatabaseURL, db)
	if err != nil {
		return nil, err
	}
	if missing {
		if err := seedDemo(ctx, store, db, env, cfg); err != nil {
			store.Close()
			os.Remove(db)
			return nil, err
		}
	}
	b := bot.New(store)
	b.Charter = plot.Charter{}
	if b.Drafter, err = newDrafter(cfg.LLM); err != nil {
		store.Close()
		return nil, err
	}
	b.DraftTimeout = cfg.LLM.Timeout
	if b.Router, err = newRouter(cfg.LLM); err != nil {
		store.Close()
		return nil, err
	}
	b.Grades.Settings = settings.Grade
	b.Deals.Settings = settings.Deal
	b.AlertMinUncovered = settings.AlertMinUncovered
	b.Now = env.Now
	b.Logger = logger(env, cfg)
	b.Money = cfg.Money
	if err := wireCRM(b, store, cfg); err != nil {
		store.Close()
		return nil, err
	}
	actor := bot.Admin("command line")
	if as != "" {
		if actor, err = b.ActorByEmail(ctx, as); err != nil {
			store.Close()
			return nil, fmt.Errorf("--as: %s", domain.ErrorMessage(err))
		}
	}
	return &session{store: store, where: where, bot: b, actor: actor, asOf: cfg.AsOf}, nil
}

// seedDemo fills a new database with the default demo data set and says so.
func seedDemo(ctx context.Context, store appStore, db string, env Env, cfg Config) error {
	dir, err := os.MkdirTemp("", "incumbent-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	opt := demo.Options{Accounts: 200, Months: 24, End: domain.Day(env.Now()), Seed: 1}
	fmt.Fprintf(env.Stderr, "No database at %s: creating it with demo data (%d accounts, %d months to %s)…\n",
		db, opt.Accounts, opt.Months, opt.End.Format(domain.DateLayout))
	if _, err := demo.Write(ctx, dir, opt); err != nil {
		return fmt.Errorf("generate demo data: %w", err)
	}
	return importDir(ctx, store, dir, nil, Env{Stdout: env.Stderr, Stderr: env.Stderr, Now: env.Now}, cfg.MemoryLimitSet)
}

func runAsk(ctx context.Context, args []string, env Env, cfg Config) error {
	fs := flags("ask", env)
	cfg.dbFlag(fs)
	cfg.asOfFlag(fs, "as-of date YYYY-MM-DD (default today; env INCUMBENT_AS_OF)")
	as := fs.String("as", "", "answer as this person (email in people.csv); default: an admin")
	format := fs.String("format", "text", "text, json, slack (Block Kit JSON) or teams (Adaptive Card JSON)")
	chart := fs.String("chart", "", "write the reply's chart to this PNG file (exit status 1 when the reply has none)")
	cfg.settingsFlag(fs)
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	cfg.applyFlags(fs)
	if len(pos) == 0 {
		return usageError{`say what to ask: incumbent ask "accounts"`}
	}
	if err := checkFormat(*format); err != nil {
		return err
	}
	if err := cfg.checkBot(); err != nil {
		return err
	}
	s, err := openSession(ctx, env, cfg, *as, false)
	if err != nil {
		return err
	}
	defer s.store.Close()
	command := strings.Join(pos, " ")
	reply := s.bot.Handle(ctx, bot.Request{Actor: s.actor, Text: command, AsOf: s.asOf})
	shown := reply
	if *format == "teams" {
		shown = s.bot.Drawn(ctx, reply) // a card carries its chart as an image
	}
	if err := printReply(env, shown, *format, command); err != nil {
		return err
	}
	if reply.Err != nil {
		return errReplied
	}
	if *chart != "" {
		return writeChart(ctx, s.bot, reply, command, *chart)
	}
	return nil
}

// writeChart draws the reply's chart into file; an error when it has none.
func writeChart(ctx context.Context, b *bot.Bot, r bot.Reply, command, file string) error {
	c := bot.ReplyChart(r)
	if c == nil {
		return fmt.Errorf("--chart: the reply to %q has no chart (gap, growth and grade of an account or territory have one, when there is something to show)", command)
	}
	png, err := b.DrawChart(ctx, c)
	if err != nil {
		return fmt.Errorf("--chart: %w", err)
	}
	if err := os.WriteFile(file, png, 0o644); err != nil {
		return fmt.Errorf("--chart: %w", err)
	}
	return nil
}

func runChat(ctx context.Context, args []string, env Env, cfg Config) error {
	fs := flags("chat", env)
	cfg.dbFlag(fs)
	cfg.asOfFlag(fs, "as-of date YYYY-MM-DD (default today; env INCUMBENT_AS_OF)")
	as := fs.String("as", "", "talk as this person (email in people.csv); default: an admin")
	cfg.settingsFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	cfg.applyFlags(fs)
	if err := cfg.checkBot(); err != nil {
		return err
	}
	s, err := openSession(ctx, env, cfg, *as, true)
	if err != nil {
		return err
	}
	defer s.store.Close()
	s.bot.Sessions = &memory.Store{} // `grade` alone grades the account last asked about
	fmt.Fprintf(env.Stdout, "Incumbent on %s, as %s. Type help for the commands, quit to leave.\n", s.where, s.actor.Person.Name)
	in := bufio.NewScanner(env.Stdin)
	for {
		fmt.Fprint(env.Stdout, "> ")
		if !in.Scan() {
			fmt.Fprintln(env.Stdout)
			return in.Err()
		}
		line := strings.TrimSpace(in.Text())
		switch strings.ToLower(line) {
		case "":
			continue
		case "quit", "exit", "bye":
			return nil
		}
		reply := s.bot.Handle(ctx, bot.Request{Actor: s.actor, Text: line, AsOf: s.asOf})
		fmt.Fprintln(env.Stdout, bot.RenderText(reply))
		if ctx.Err() != nil {
			return nil
		}
	}
}

// newDrafter returns the model that drafts talking points (LLMConfig); nil without
// one: the template drafts.
func newDrafter(c LLMConfig) (bot.Drafter, error) {
	o := c.OpenAI
	if o.APIKey == "" && o.BaseURL == "" && o.AzureEndpoint == "" {
		return nil, nil
	}
	d, err := openai.New(o)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return d, nil
}

// newRouter returns the model that reads plain questions the rules cannot (the same
// model as talking points); nil without one.
func newRouter(c LLMConfig) (bot.Router, error) {
	o := c.OpenAI
	if o.APIKey == "" && o.BaseURL == "" && o.AzureEndpoint == "" {
		return nil, nil
	}
	r, err := openai.NewRouter(o)
	if err != nil {
		return nil, usageError{err.Error()}
	}
	return r, nil
}

// printJSON writes v as indented JSON, with <, > and & as they are.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// checkFormat checks a --format value.
func checkFormat(format string) error {
	switch format {
	case "text", "json", "slack", "teams":
		return nil
	}
	return usageError{fmt.Sprintf("--format %q: use text, json, slack or teams", format)}
}

// printReply prints the reply to command in a format: text for a terminal, json (the
// computation), slack (the Block Kit blocks) or teams (the Adaptive Card, as Teams gets
// it).
func printReply(env Env, r bot.Reply, format, command string) error {
	switch format {
	case "json":
		out, err := bot.RenderJSON(r)
		if err != nil {
			return err
		}
		env.Stdout.Write(out)
		return nil
	case "slack":
		// What Slack would show: the message's blocks, as Block Kit Builder reads them.
		return printJSON(env.Stdout, map[string]any{"blocks": slackadapter.RenderBlocks(r)})
	case "teams":
		return printJSON(env.Stdout, teams.Render(r, command))
	}
	fmt.Fprint(env.Stdout, bot.RenderText(r))
	return nil
}
