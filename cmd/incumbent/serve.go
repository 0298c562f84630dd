package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"golang.org/x/term"

	"github.com/incumbent/incumbent/adapters/crm"
	httpserver "github.com/incumbent/incumbent/adapters/http"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/prometheus"
	redisadapter "github.com/incumbent/incumbent/adapters/redis"
	slackadapter "github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/adapters/teams"
	"github.com/incumbent/incumbent/adapters/web"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// defaultAddr is where the server listens unless --addr or INCUMBENT_ADDR say otherwise:
// loopback, so that the playground is not on the network by default.
const defaultAddr = "127.0.0.1:8080"

// serveLogger writes structured logs to stderr: JSON when stderr is not a terminal (a
// service's logs go to a collector), text on a terminal, at cfg.LogLevel (checked by
// Config.checkLogLevel; default info). Every record of a request carries its request id.
func serveLogger(env Env, cfg Config) *slog.Logger {
	opts := &slog.HandlerOptions{Level: cfg.LogLevel, ReplaceAttr: redactAttr(cfg.Secrets)}
	var h slog.Handler = slog.NewJSONHandler(env.Stderr, opts)
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		h = slog.NewTextHandler(env.Stderr, opts)
	}
	return slog.New(httpserver.LogHandler{Handler: h})
}

// defaultMemoryLimit is serve's soft memory limit for the Go runtime when GOMEMLIMIT is
// not set. With SQLite's page caches and the program itself, a serving process at
// N=20,000 then stays under 300 MB resident.
const defaultMemoryLimit = 160 << 20

// runServe serves chat, health, readiness, metrics and the web playground until ctx is
// cancelled (SIGINT, SIGTERM), then shuts down: it stops accepting, lets the requests in
// flight finish (up to 10 s) and closes the store.
func runServe(ctx context.Context, args []string, env Env, cfg Config) error {
	m := newServer(env, cfg)
	if err := m.ParseFlags(args); err != nil {
		return err
	}
	if err := m.Run(ctx); err != nil {
		m.Close()
		return err
	}
	<-ctx.Done()
	return m.Close()
}

// server is `incumbent serve`, in the shape of WTF Dial's cmd/wtfd: ParseFlags reads
// and checks its Config, Run opens and starts everything (the stores, the shared
// state, the chat adapters, the background work), Close shuts it down.
type server struct {
	Config Config
	env    Env
	log    *slog.Logger

	s       *session
	metrics *prometheus.Metrics
	http    *httpserver.Server
	inbox   *web.Inbox // the digests delivered to the playground; nil with it off
	kv      sharedKV
	slack   *slackServer
	teams   *teams.Handler
	sched   *bot.DigestScheduler
	alerts  *bot.AlertScheduler
	syncs   *crm.Scheduler // the CRM syncs; nil when none is configured

	open    bool           // the HTTP server is listening
	digests sync.WaitGroup // the scheduler's goroutine
	closers []func()       // run in reverse order by Close
}

func newServer(env Env, cfg Config) *server {
	return &server{Config: cfg, env: env}
}

// ParseFlags reads serve's flags into its Config and checks the whole of it.
func (m *server) ParseFlags(args []string) error {
	c := &m.Config
	fs := flags("serve", m.env)
	c.dbFlag(fs)
	addrDef := c.Serve.addrEnv
	if addrDef == "" {
		addrDef = defaultAddr
	}
	fs.StringVar(&c.Serve.Addr, "addr", addrDef, "address to listen on, host:port (env INCUMBENT_ADDR)")
	c.asOfFlag(fs, "as-of date of every figure, YYYY-MM-DD (default today; env INCUMBENT_AS_OF)")
	c.settingsFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	c.applyFlags(fs)
	return c.checkServe()
}

// Run opens the stores, the shared state and the chat adapters, starts the background
// work and listens. On an error, Close releases what was opened.
func (m *server) Run(ctx context.Context) error {
	m.log = serveLogger(m.env, m.Config)
	// A soft limit on the Go runtime's memory, unless GOMEMLIMIT sets one (the runtime
	// reads it itself): near it the collector runs more often instead of letting the heap
	// double, so a burst of commands while digests are built stays within a small
	// container (docs/PERFORMANCE.md, "Serving memory"). A data set whose live heap nears
	// it needs a larger GOMEMLIMIT.
	if !m.Config.MemoryLimitSet {
		prev := debug.SetMemoryLimit(defaultMemoryLimit)
		m.closers = append(m.closers, func() { debug.SetMemoryLimit(prev) })
	}
	if u := m.Config.Serve.PublicURL; u != nil && u.Scheme == "http" && m.Config.Serve.Playground {
		m.log.Warn("INCUMBENT_PUBLIC_URL is http: the playground's token and cookie cross the network unencrypted; serve it behind HTTPS")
	}
	if err := m.openStores(ctx); err != nil {
		return err
	}
	if err := m.openSharedState(ctx); err != nil {
		return err
	}
	m.openChat(ctx)
	return m.startBackground(ctx)
}

// openStores opens the database and the bot on it, and the HTTP server with the
// playground.
func (m *server) openStores(ctx context.Context) error {
	sc := m.Config.Serve
	s, err := openSession(ctx, m.env, m.Config, "", true)
	if err != nil {
		return err
	}
	m.s = s
	m.closers = append(m.closers, func() { s.store.Close() })
	s.bot.Logger = m.log
	if sc.Playground && sc.PlaygroundAs != "" {
		if _, err := s.bot.ActorByEmail(ctx, sc.PlaygroundAs); err != nil {
			if domain.ErrorCode(err) == domain.EINTERNAL {
				return err
			}
			return usageError{fmt.Sprintf("INCUMBENT_PLAYGROUND_AS %s: %s", sc.PlaygroundAs, domain.ErrorMessage(err))}
		}
	}
	m.metrics = prometheus.New()
	s.bot.Observer = m.metrics
	m.http = &httpserver.Server{Addr: sc.Addr, Logger: m.log, Metrics: m.metrics.Handler(), Observer: m.metrics,
		Checks: []httpserver.Check{{Name: "store", HideError: true, Check: func(ctx context.Context) error {
			_, err := s.store.DataVersion(ctx)
			return err
		}}}}
	if sc.Playground {
		m.inbox = &web.Inbox{}
		(&web.Playground{Bot: s.bot, Directory: directory{s}, Logger: m.log, AsOf: s.asOf, Token: sc.PlaygroundToken,
			PublicURL: sc.PublicURL, As: sc.PlaygroundAs, Inbox: m.inbox}).Routes(m.http.Handle)
	}
	return nil
}

// openSharedState opens the state replicas share (Redis or memory) for the bot's
// sessions and cache.
func (m *server) openSharedState(ctx context.Context) error {
	state, err := openState(ctx, m.Config.Redis, m.log)
	if err != nil {
		return err
	}
	m.closers = append(m.closers, state.close)
	if state.check != nil {
		m.http.Checks = append(m.http.Checks, *state.check)
	}
	m.kv = state.kv
	m.s.bot.Sessions, m.s.bot.Cache = state.kv, state.kv
	if state.failures != nil {
		m.metrics.CounterFunc("incumbent_redis_failures_total", "Redis calls that failed and fell back on this process's memory.",
			func() float64 { return float64(state.failures()) })
	}
	return nil
}

// openChat configures Slack and Teams, where the Config has them, on the HTTP server.
func (m *server) openChat(ctx context.Context) {
	if m.slack = newSlack(ctx, m.Config.Slack, m.s, m.kv, m.log); m.slack != nil {
		if m.slack.secret != "" {
			m.slack.h.Routes(m.http.Handle, m.slack.secret)
		}
		m.http.Checks = append(m.http.Checks, httpserver.Check{Name: "slack", Check: m.slack.ready})
		m.slack.h.ChartObserver = m.metrics
	}
	var tcheck *httpserver.Check
	if m.teams, tcheck = newTeams(m.Config.Teams, m.s, m.kv, m.log); m.teams != nil {
		m.teams.Routes(m.http.Handle)
		m.http.Checks = append(m.http.Checks, *tcheck)
	}
	// Charts by signed link, served at /charts/ from the shared state, when the server
	// has a public address and a key to sign with.
	if sc := m.Config.Serve; sc.PublicURL != nil && sc.ChartKey != "" {
		links := &web.ChartLinks{Store: m.kv, Key: []byte(sc.ChartKey), Base: sc.PublicURL, Now: m.env.Now}
		links.Routes(m.http.Handle)
		if m.slack != nil {
			m.slack.h.ChartLinks = links
		}
		if m.teams != nil {
			m.teams.ChartLinks = links
		}
	}
}

// startBackground sets up the weekly digests, listens, and starts the digest scheduler
// and Slack's Socket Mode.
func (m *server) startBackground(ctx context.Context) error {
	m.digestScheduler()
	if err := m.crmSync(); err != nil {
		return err
	}
	if err := m.http.Open(); err != nil {
		return err
	}
	m.open = true
	if m.sched != nil {
		m.digests.Add(1)
		go func() {
			defer m.digests.Done()
			if err := m.sched.Run(ctx); err != nil {
				m.log.Error("digests: the scheduler stopped", "err", err)
			}
		}()
	}
	if m.alerts != nil {
		m.digests.Add(1)
		go func() {
			defer m.digests.Done()
			if err := m.alerts.Run(ctx); err != nil {
				m.log.Error("alerts: the scheduler stopped", "err", err)
			}
		}()
	}
	if m.syncs != nil {
		m.digests.Add(1)
		go func() {
			defer m.digests.Done()
			if err := m.syncs.Run(ctx); err != nil {
				m.log.Error("sync: the scheduler stopped", "err", err)
			}
		}()
	}
	if m.slack != nil && m.slack.appToken != "" {
		go func() {
			if err := m.slack.h.RunSocketMode(ctx, socketmode.New(m.slack.h.Client)); err != nil {
				m.log.Error("slack: Socket Mode stopped", "err", err)
			}
		}()
	}
	playground := m.Config.Serve.Playground
	m.log.InfoContext(ctx, "serving", "url", m.http.URL(), "db", m.s.where, "playground", playground)
	fmt.Fprintf(m.env.Stdout, "Incumbent is serving on %s", m.http.URL())
	if playground {
		fmt.Fprintf(m.env.Stdout, " — open it in a browser to talk to the bot")
	}
	fmt.Fprintln(m.env.Stdout, ". Ctrl-C stops it.")
	return nil
}

// crmSync sets up the CRM syncs the configuration names: every replica runs the
// scheduler; the store's claims run each period's sync once. /readyz shows each CRM's
// last run and is degraded, not failing, while the last run of one failed.
func (m *server) crmSync() error {
	names := m.Config.CRM.configured()
	if len(names) == 0 {
		return nil
	}
	sys, err := syncers(names, m.Config, m.s.store, m.log, m.env.Now)
	if err != nil {
		return err
	}
	host, _ := os.Hostname()
	m.syncs = &crm.Scheduler{Syncers: sys, Claims: m.s.store, Every: m.Config.CRM.Every, Now: m.env.Now, Logger: m.log,
		Claimant: fmt.Sprintf("%s:%d", host, os.Getpid())}
	store := m.s.store
	m.http.Checks = append(m.http.Checks, httpserver.Check{Name: "sync", Optional: true,
		Check: func(ctx context.Context) error { return crm.Failing(ctx, store, names) },
		Detail: func(ctx context.Context) any {
			reports, err := crm.Reports(ctx, store, names)
			if err != nil {
				return "unavailable"
			}
			return reports
		}})
	return nil
}

// digestScheduler sets up the weekly digests, to Slack, Teams and the playground: every
// replica runs the scheduler; the store's delivery records send each digest once, and
// the lock (in Redis when configured) keeps replicas from building the same one at once.
func (m *server) digestScheduler() {
	sender := digestSender{teams: m.teams, inbox: m.inbox, now: m.env.Now}
	if m.slack != nil {
		sender.slack = m.slack.h
	}
	if sender.slack == nil && sender.teams == nil && sender.inbox == nil {
		return
	}
	sched := digestScheduler(m.s, m.kv, sender, m.env.Now, m.log, m.Config.DigestClaimTimeout)
	sched.Observer = m.metrics
	m.sched = sched
	if m.s.bot.AlertStore != nil && !m.Config.AlertsOff {
		m.alerts = &bot.AlertScheduler{Bot: m.s.bot, Send: sender.alert, Observer: m.metrics,
			ScheduleSettings: bot.ScheduleSettings{Lock: m.kv, Now: m.env.Now, AsOf: m.s.asOf, Logger: m.log,
				Stale: m.Config.DigestClaimTimeout}}
	}
	m.http.Checks = append(m.http.Checks, httpserver.Check{Name: "digests", Optional: true, Check: func(context.Context) error {
		var problems []string
		if skipped := sched.Skipped(); len(skipped) > 0 {
			problems = append(problems, "not sent: "+strings.Join(skipped, "; "))
		}
		if failing := sched.Failing(); len(failing) > 0 {
			problems = append(problems, strings.Join(failing, "; ")) // the report reads "failing: …"
		}
		if m.alerts != nil {
			if failing := m.alerts.Failing(); len(failing) > 0 {
				problems = append(problems, strings.Join(failing, "; "))
			}
		}
		if len(problems) > 0 {
			return errors.New(strings.Join(problems, " | "))
		}
		return nil
	}})
}

// Close shuts the server down once its context is cancelled: it stops accepting, lets
// the requests in flight and the replies being delivered finish (up to
// httpserver.DefaultShutdownTimeout), waits for a digest being sent, then closes the
// shared state and the store. After a failed Run, it closes what Run opened.
func (m *server) Close() error {
	defer func() {
		for i := len(m.closers) - 1; i >= 0; i-- {
			m.closers[i]()
		}
	}()
	if !m.open {
		return nil
	}
	log := m.log
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.Background(), httpserver.DefaultShutdownTimeout)
	defer cancel()
	start := time.Now()
	if err := m.http.Close(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return fmt.Errorf("shutdown: %w", err)
	}
	if m.slack != nil {
		if err := m.slack.h.Wait(sctx); err != nil {
			log.Warn("shutdown: Slack replies still being delivered were cut", "err", err)
		}
		// The charts queued were drained with the replies: stop the workers.
		if err := m.slack.h.Close(sctx); err != nil {
			log.Warn("shutdown: Slack charts still being uploaded were cut", "err", err)
		}
	}
	if m.teams != nil {
		if err := m.teams.Wait(sctx); err != nil {
			log.Warn("shutdown: Teams replies still being delivered were cut", "err", err)
		}
	}
	m.digests.Wait() // a digest being sent is recorded before the store closes
	log.Info("stopped", "shutdown_ms", time.Since(start).Milliseconds())
	return nil
}

// Metrics counts the Slack adapter's charts.
var _ slackadapter.ChartObserver = (*prometheus.Metrics)(nil)

// sharedKV is the state replicas share: sessions, event de-duplication, the cursors of
// long replies and locks.
type sharedKV interface {
	Get(ctx context.Context, key string) ([]byte, bool, error)
	Set(ctx context.Context, key string, value []byte, ttl time.Duration) error
	FirstSeen(ctx context.Context, key string, ttl time.Duration) (bool, error)
	PutCursor(ctx context.Context, id string, data []byte, ttl time.Duration) error
	TakeCursor(ctx context.Context, id string) ([]byte, bool, error)
	Acquire(ctx context.Context, name string, ttl time.Duration) (token string, ok bool, err error)
	Release(ctx context.Context, name, token string) (bool, error)
}

var (
	_ sharedKV = (*memory.Store)(nil)
	_ sharedKV = (*redisadapter.Store)(nil)
)

// sharedState is where shared state lives: Redis when REDIS_URL is set (with
// INCUMBENT_REDIS_PREFIX, default "incumbent:"), else this process's memory.
type sharedState struct {
	kv       sharedKV
	check    *httpserver.Check
	close    func()
	failures func() int64 // Redis calls that fell back on memory; nil without Redis
}

// openState opens the shared state c configures.
func openState(ctx context.Context, c RedisConfig, log *slog.Logger) (sharedState, error) {
	if c.URL == "" {
		return sharedState{kv: &memory.Store{}, close: func() {}}, nil
	}
	r, err := redisadapter.Open(ctx, redisadapter.Options{Fallback: &memory.Store{}, URL: c.URL, Prefix: c.Prefix, Logger: log,
		MasterName: c.MasterName, Addrs: c.Addrs})
	if err != nil {
		return sharedState{}, usageError{redactText(err.Error(), secretsIn(c.URL))}
	}
	if err := r.Ping(ctx); err != nil {
		log.Warn("redis: not answering at start-up; working from memory until it does", "err", err)
	}
	return sharedState{kv: r, close: func() { r.Close() }, failures: r.Failures,
		check: &httpserver.Check{Name: "redis", Check: r.Ping, Optional: true, HideError: true}}, nil
}

// slackServer is the Slack adapter as SlackConfig configures it.
type slackServer struct {
	h        *slackadapter.Handler
	secret   string // HTTP mode when set
	appToken string // Socket Mode when set

	mu      sync.Mutex
	checked time.Time
	lastErr error
}

// newSlack returns the Slack adapter c configures (checked by Config.checkChat); nil
// when Slack is not configured.
func newSlack(ctx context.Context, c SlackConfig, s *session, mem sharedKV, log *slog.Logger) *slackServer {
	if c.BotToken == "" {
		return nil
	}
	opts := []slack.Option{}
	if u := c.APIURL; u != "" {
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if c.AppToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(c.AppToken))
	}
	client := slack.New(c.BotToken, opts...)
	h := &slackadapter.Handler{Bot: s.bot, Directory: directory{s}, Client: client, Dedupe: mem, Cursors: mem,
		Logger: log, AsOf: s.asOf, AllowExternal: c.AllowExternal}
	sl := &slackServer{h: h, secret: c.SigningSecret, appToken: c.AppToken}
	// Who the bot is, so that its own messages are ignored. Slack down at start-up is not
	// fatal: readiness says so, and the bot's messages are still told apart by bot_id.
	if resp, err := client.AuthTestContext(ctx); err != nil {
		log.Warn("slack: auth.test failed", "err", err)
	} else {
		h.BotUserID = resp.UserID
	}
	mode := "HTTP"
	switch {
	case c.SigningSecret != "" && c.AppToken != "":
		mode = "HTTP and Socket Mode"
	case c.AppToken != "":
		mode = "Socket Mode"
	}
	log.Info("slack: configured", "mode", mode, "allow_external", c.AllowExternal)
	return sl
}

// ready checks the bot token with auth.test, at most once a minute.
func (sl *slackServer) ready(ctx context.Context) error {
	sl.mu.Lock()
	defer sl.mu.Unlock()
	if time.Since(sl.checked) < time.Minute {
		return sl.lastErr
	}
	_, err := sl.h.Client.AuthTestContext(ctx)
	sl.checked, sl.lastErr = time.Now(), err
	return err
}

// directory lists people and resolves who a playground user acts as.
type directory struct{ s *session }

var (
	_ bot.People    = directory{}
	_ web.Directory = directory{}
)

func (d directory) FindPeople(ctx context.Context) ([]domain.Person, error) {
	return d.s.store.FindPeople(ctx)
}

func (d directory) ActorByEmail(ctx context.Context, email string) (bot.Actor, error) {
	return d.s.bot.ActorByEmail(ctx, email)
}
