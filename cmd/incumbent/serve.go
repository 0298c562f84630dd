package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
	"golang.org/x/term"

	httpserver "github.com/incumbent/incumbent/adapters/http"
	"github.com/incumbent/incumbent/adapters/memory"
	"github.com/incumbent/incumbent/adapters/prometheus"
	redisadapter "github.com/incumbent/incumbent/adapters/redis"
	slackadapter "github.com/incumbent/incumbent/adapters/slack"
	"github.com/incumbent/incumbent/adapters/web"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// defaultAddr is where the server listens unless --addr or INCUMBENT_ADDR say otherwise:
// loopback, so that the playground is not on the network by default.
const defaultAddr = "127.0.0.1:8080"

// serveLogger writes structured logs to stderr: JSON when stderr is not a terminal (a
// service's logs go to a collector), text on a terminal. INCUMBENT_LOG_LEVEL sets the
// level (debug, info, warn, error; default info). Every record of a request carries its
// request id.
func serveLogger(env Env) (*slog.Logger, error) {
	var level slog.Level
	if v := env.Getenv("INCUMBENT_LOG_LEVEL"); v != "" {
		if err := level.UnmarshalText([]byte(v)); err != nil {
			return nil, usageError{fmt.Sprintf("INCUMBENT_LOG_LEVEL %q: use debug, info, warn or error", v)}
		}
	}
	opts := &slog.HandlerOptions{Level: level, ReplaceAttr: redactAttr(envSecrets(env))}
	var h slog.Handler = slog.NewJSONHandler(env.Stderr, opts)
	if f, ok := env.Stderr.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		h = slog.NewTextHandler(env.Stderr, opts)
	}
	return slog.New(httpserver.LogHandler{Handler: h}), nil
}

// runServe serves chat, health, readiness, metrics and the web playground until ctx is
// cancelled (SIGINT, SIGTERM), then shuts down: it stops accepting, lets the requests in
// flight finish (up to 10 s) and closes the store.
// defaultMemoryLimit is serve's soft memory limit for the Go runtime when GOMEMLIMIT is
// not set. With SQLite's page caches and the program itself, a serving process at
// N=20,000 then stays under 300 MB resident.
const defaultMemoryLimit = 160 << 20

func runServe(ctx context.Context, args []string, env Env) error {
	fs := flags("serve", env)
	db := dbFlag(fs, env)
	addrDef := env.Getenv("INCUMBENT_ADDR")
	if addrDef == "" {
		addrDef = defaultAddr
	}
	addr := fs.String("addr", addrDef, "address to listen on, host:port (env INCUMBENT_ADDR)")
	asOf := fs.String("as-of", "", "as-of date of every figure, YYYY-MM-DD (default today; env INCUMBENT_AS_OF)")
	settings := settingsFlag(fs)
	if _, err := parse(fs, args); err != nil {
		return err
	}
	env = explicitDB(fs, env)
	log, err := serveLogger(env)
	if err != nil {
		return err
	}
	// A soft limit on the Go runtime's memory, unless GOMEMLIMIT sets one (the runtime
	// reads it itself): near it the collector runs more often instead of letting the heap
	// double, so a burst of commands while digests are built stays within a small
	// container (docs/PERFORMANCE.md, "Serving memory"). A data set whose live heap nears
	// it needs a larger GOMEMLIMIT.
	if env.Getenv("GOMEMLIMIT") == "" {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(defaultMemoryLimit))
	}
	playgroundOn := true
	switch v := strings.ToLower(env.Getenv("INCUMBENT_PLAYGROUND")); v {
	case "", "on", "true", "1":
	case "off", "false", "0":
		playgroundOn = false
	default:
		return usageError{fmt.Sprintf("INCUMBENT_PLAYGROUND %q: use on or off", v)}
	}
	claimTimeout, err := digestClaimTimeout(env)
	if err != nil {
		return err
	}
	token, playAs := env.Getenv("INCUMBENT_PLAYGROUND_TOKEN"), strings.TrimSpace(env.Getenv("INCUMBENT_PLAYGROUND_AS"))
	publicURL, err := publicURLFromEnv(env)
	if err != nil {
		return err
	}
	if publicURL != nil && publicURL.Scheme == "http" && playgroundOn {
		log.Warn("INCUMBENT_PUBLIC_URL is http: the playground's token and cookie cross the network unencrypted; serve it behind HTTPS")
	}
	if playgroundOn && !httpserver.IsLoopback(*addr) {
		// Off loopback, anyone on the network reaches the playground: it needs its token,
		// the one host it answers at, and the one person it acts as.
		var missing []string
		for _, v := range []struct{ name, value string }{{"INCUMBENT_PLAYGROUND_TOKEN", token},
			{"INCUMBENT_PUBLIC_URL", env.Getenv("INCUMBENT_PUBLIC_URL")}, {"INCUMBENT_PLAYGROUND_AS", playAs}} {
			if v.value == "" {
				missing = append(missing, v.name)
			}
		}
		if len(missing) > 0 {
			return usageError{fmt.Sprintf("--addr %s is not a loopback address, so the web playground needs a token (INCUMBENT_PLAYGROUND_TOKEN), "+
				"the public URL it is reached at (INCUMBENT_PUBLIC_URL) and the person it acts as (INCUMBENT_PLAYGROUND_AS, an email of people.csv): "+
				"set %s, or INCUMBENT_PLAYGROUND=off", *addr, strings.Join(missing, " and "))}
		}
	}

	s, err := openSession(ctx, env, *db, "", *asOf, *settings, true)
	if err != nil {
		return err
	}
	defer s.store.Close()
	s.bot.Logger = log
	if playgroundOn && playAs != "" {
		if _, err := s.bot.ActorByEmail(ctx, playAs); err != nil {
			if domain.ErrorCode(err) == domain.EINTERNAL {
				return err
			}
			return usageError{fmt.Sprintf("INCUMBENT_PLAYGROUND_AS %s: %s", playAs, domain.ErrorMessage(err))}
		}
	}
	metrics := prometheus.New()
	s.bot.Observer = metrics

	srv := &httpserver.Server{Addr: *addr, Logger: log, Metrics: metrics.Handler(), Observer: metrics,
		Checks: []httpserver.Check{{Name: "store", HideError: true, Check: func(ctx context.Context) error {
			_, err := s.store.DataVersion(ctx)
			return err
		}}}}
	var inbox *web.Inbox // the digests delivered to the playground
	if playgroundOn {
		inbox = &web.Inbox{}
		(&web.Playground{Bot: s.bot, Directory: directory{s}, Logger: log, AsOf: s.asOf, Token: token, PublicURL: publicURL,
			As: playAs, Inbox: inbox}).Routes(srv.Handle)
	}
	state, err := stateFromEnv(ctx, env, log)
	if err != nil {
		return err
	}
	defer state.close()
	if state.check != nil {
		srv.Checks = append(srv.Checks, *state.check)
	}
	s.bot.Sessions, s.bot.Cache = state.kv, state.kv
	if state.failures != nil {
		metrics.CounterFunc("incumbent_redis_failures_total", "Redis calls that failed and fell back on this process's memory.",
			func() float64 { return float64(state.failures()) })
	}
	sl, err := slackFromEnv(ctx, env, s, state.kv, log)
	if err != nil {
		return err
	}
	if sl != nil {
		if sl.secret != "" {
			sl.h.Routes(srv.Handle, sl.secret)
		}
		srv.Checks = append(srv.Checks, httpserver.Check{Name: "slack", Check: sl.ready})
	}
	th, tcheck, err := teamsFromEnv(env, s, state.kv, log)
	if err != nil {
		return err
	}
	if th != nil {
		th.Routes(srv.Handle)
		srv.Checks = append(srv.Checks, *tcheck)
	}
	// Weekly digests, to Slack, Teams and the playground: every replica runs the
	// scheduler; the store's delivery records send each digest once, and the lock (in
	// Redis when configured) keeps replicas from building the same one at once.
	sender := digestSender{teams: th, inbox: inbox, now: env.Now}
	if sl != nil {
		sender.slack = sl.h
	}
	var sched *bot.DigestScheduler
	if sender.slack != nil || sender.teams != nil || sender.inbox != nil {
		sched = digestScheduler(s, state.kv, sender, env.Now, log, claimTimeout)
		sched.Observer = metrics
		srv.Checks = append(srv.Checks, httpserver.Check{Name: "digests", Optional: true, Check: func(context.Context) error {
			var problems []string
			if skipped := sched.Skipped(); len(skipped) > 0 {
				problems = append(problems, "not sent: "+strings.Join(skipped, "; "))
			}
			if failing := sched.Failing(); len(failing) > 0 {
				problems = append(problems, strings.Join(failing, "; ")) // the report reads "failing: …"
			}
			if len(problems) > 0 {
				return errors.New(strings.Join(problems, " | "))
			}
			return nil
		}})
	}
	if err := srv.Open(); err != nil {
		return err
	}
	var digests sync.WaitGroup
	if sched != nil {
		digests.Add(1)
		go func() {
			defer digests.Done()
			if err := sched.Run(ctx); err != nil {
				log.Error("digests: the scheduler stopped", "err", err)
			}
		}()
	}
	if sl != nil && sl.appToken != "" {
		go func() {
			if err := sl.h.RunSocketMode(ctx, socketmode.New(sl.h.Client)); err != nil {
				log.Error("slack: Socket Mode stopped", "err", err)
			}
		}()
	}
	log.InfoContext(ctx, "serving", "url", srv.URL(), "db", s.where, "playground", playgroundOn)
	fmt.Fprintf(env.Stdout, "Incumbent is serving on %s", srv.URL())
	if playgroundOn {
		fmt.Fprintf(env.Stdout, " — open it in a browser to talk to the bot")
	}
	fmt.Fprintln(env.Stdout, ". Ctrl-C stops it.")

	<-ctx.Done()
	log.Info("shutting down")
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), httpserver.DefaultShutdownTimeout)
	defer cancel()
	start := time.Now()
	if err := srv.Close(sctx); err != nil {
		log.Error("shutdown", "err", err)
		return fmt.Errorf("shutdown: %w", err)
	}
	if sl != nil {
		if err := sl.h.Wait(sctx); err != nil {
			log.Warn("shutdown: Slack replies still being delivered were cut", "err", err)
		}
	}
	if th != nil {
		if err := th.Wait(sctx); err != nil {
			log.Warn("shutdown: Teams replies still being delivered were cut", "err", err)
		}
	}
	digests.Wait() // a digest being sent is recorded before the store closes
	log.Info("stopped", "shutdown_ms", time.Since(start).Milliseconds())
	return nil
}

// publicURLFromEnv reads INCUMBENT_PUBLIC_URL, the server's public URL where it has
// one (DESIGN section 5): an absolute http or https URL with a host and nothing else
// (https where the network is not trusted: the playground's cookie is then Secure).
// Nil when unset.
func publicURLFromEnv(env Env) (*url.URL, error) {
	v := env.Getenv("INCUMBENT_PUBLIC_URL")
	if v == "" {
		return nil, nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return nil, usageError{fmt.Sprintf("INCUMBENT_PUBLIC_URL %q: give the server's public address, https://HOST or https://HOST:PORT", redactDSN(v))}
	}
	return u, nil
}

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

// sharedState is where shared state lives: Redis when REDIS_URL is set (with
// INCUMBENT_REDIS_PREFIX, default "incumbent:"), else this process's memory.
type sharedState struct {
	kv       sharedKV
	check    *httpserver.Check
	close    func()
	failures func() int64 // Redis calls that fell back on memory; nil without Redis
}

func stateFromEnv(ctx context.Context, env Env, log *slog.Logger) (sharedState, error) {
	u := env.Getenv("REDIS_URL")
	if u == "" {
		return sharedState{kv: &memory.Store{}, close: func() {}}, nil
	}
	o := redisadapter.Options{Fallback: &memory.Store{}, URL: u, Prefix: env.Getenv("INCUMBENT_REDIS_PREFIX"), Logger: log,
		MasterName: env.Getenv("REDIS_MASTER_NAME")}
	if addrs := env.Getenv("REDIS_ADDRS"); addrs != "" {
		o.Addrs = strings.Split(addrs, ",")
	}
	r, err := redisadapter.Open(ctx, o)
	if err != nil {
		return sharedState{}, usageError{redactText(err.Error(), secretsIn(u))}
	}
	if err := r.Ping(ctx); err != nil {
		log.Warn("redis: not answering at start-up; working from memory until it does", "err", err)
	}
	return sharedState{kv: r, close: func() { r.Close() }, failures: r.Failures,
		check: &httpserver.Check{Name: "redis", Check: r.Ping, Optional: true, HideError: true}}, nil
}

// slackServer is the Slack adapter as configured by the environment.
type slackServer struct {
	h        *slackadapter.Handler
	secret   string // HTTP mode when set
	appToken string // Socket Mode when set

	mu      sync.Mutex
	checked time.Time
	lastErr error
}

// slackFromEnv configures Slack from SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP
// mode, /slack/…) and/or SLACK_APP_TOKEN (Socket Mode); SLACK_API_URL overrides the Web
// API's base URL (tests, GovSlack); INCUMBENT_ALLOW_EXTERNAL=on lets figures into Slack
// Connect channels. Nil when Slack is not configured.
func slackFromEnv(ctx context.Context, env Env, s *session, mem sharedKV, log *slog.Logger) (*slackServer, error) {
	token := env.Getenv("SLACK_BOT_TOKEN")
	secret, appToken := env.Getenv("SLACK_SIGNING_SECRET"), env.Getenv("SLACK_APP_TOKEN")
	if token == "" {
		if secret != "" || appToken != "" {
			return nil, usageError{"SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Slack needs the bot token (xoxb-…)"}
		}
		return nil, nil
	}
	if secret == "" && appToken == "" {
		return nil, usageError{"SLACK_BOT_TOKEN is set: add SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)"}
	}
	opts := []slack.Option{}
	if u := env.Getenv("SLACK_API_URL"); u != "" {
		if !strings.HasSuffix(u, "/") {
			u += "/"
		}
		opts = append(opts, slack.OptionAPIURL(u))
	}
	if appToken != "" {
		opts = append(opts, slack.OptionAppLevelToken(appToken))
	}
	allow := false
	switch v := strings.ToLower(env.Getenv("INCUMBENT_ALLOW_EXTERNAL")); v {
	case "", "off", "false", "0":
	case "on", "true", "1":
		allow = true
	default:
		return nil, usageError{fmt.Sprintf("INCUMBENT_ALLOW_EXTERNAL %q: use on or off", v)}
	}
	client := slack.New(token, opts...)
	h := &slackadapter.Handler{Bot: s.bot, Directory: directory{s}, Client: client, Dedupe: mem, Cursors: mem,
		Logger: log, AsOf: s.asOf, AllowExternal: allow}
	sl := &slackServer{h: h, secret: secret, appToken: appToken}
	// Who the bot is, so that its own messages are ignored. Slack down at start-up is not
	// fatal: readiness says so, and the bot's messages are still told apart by bot_id.
	if resp, err := client.AuthTestContext(ctx); err != nil {
		log.Warn("slack: auth.test failed", "err", err)
	} else {
		h.BotUserID = resp.UserID
	}
	mode := "HTTP"
	switch {
	case secret != "" && appToken != "":
		mode = "HTTP and Socket Mode"
	case appToken != "":
		mode = "Socket Mode"
	}
	log.Info("slack: configured", "mode", mode, "allow_external", allow)
	return sl, nil
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

func (d directory) FindPeople(ctx context.Context) ([]domain.Person, error) {
	return d.s.store.FindPeople(ctx)
}

func (d directory) ActorByEmail(ctx context.Context, email string) (bot.Actor, error) {
	return d.s.bot.ActorByEmail(ctx, email)
}
