// Command incumbent-load puts an Incumbent server under load the way Slack does, and
// checks that nothing is lost.
//
// It starts `incumbent serve` (the binary given by --incumbent) on loopback, with a
// stand-in for Slack's Web API, the commands' response_url and an OpenAI-compatible
// model, and sends it signed slash commands and mentions at rising rates with vegeta.
// The same requests go, in the same run, to a bare handler that only verifies Slack's
// signature. For each rate it reports the acknowledgement latency (p50, p99) and the
// errors; it reads off the highest rate with p99 under 100 ms and no errors for both.
// At the end it waits for the deferred answers and counts: every slash command must be
// answered once (inline, or through its response_url), every mention once in its thread
// (a retried mention not again), and the server must still be up.
//
// A fault can be switched on for the middle third of the run: Slack answering 429 with
// Retry-After or 500, the model answering 500 or not at all (half the calls each), or
// any shell commands (--fault-cmd, --recover-cmd: stop and start Redis or PostgreSQL).
//
// The server gets SLACK_*, OPENAI_* and INCUMBENT_ADDR from this program and everything
// else (REDIS_URL, DATABASE_URL, …) from the environment; its Redis keys get a prefix of
// the run's own unless INCUMBENT_REDIS_PREFIX is set. scripts/faults.sh runs every
// fault scenario; scripts/performance.sh the plain run.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/slack-go/slack"
	vegeta "github.com/tsenart/vegeta/v12/lib"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(Main(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// secret signs every request; the server under load is started with it.
const secret = "incumbent-load-signing-secret"

// ackGoal is the acknowledgement p99 a rate must keep to count as sustained.
const ackGoal = 100 * time.Millisecond

// config is what the flags say.
type config struct {
	binary, db, accountsCSV, as string
	rates                       []int
	step, drain                 time.Duration
	max                         int
	events, talk                float64
	fault, faultCmd, recoverCmd string
	jsonOut                     bool
	row, serverLog              string
}

// Main runs the load and returns the exit status: 0 when every command was answered
// once and the server stayed up, 1 when not, 2 for a usage error.
func Main(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 1 && args[0] == "--row-header" { // the header of the rows of --row
		fmt.Fprintln(stdout, RowHeader)
		return 0
	}
	c, err := parseFlags(args, stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		fmt.Fprintln(stderr, "incumbent-load:", err)
		return 2
	}
	rep, err := run(ctx, c, stderr)
	if err != nil {
		fmt.Fprintln(stderr, "incumbent-load:", err)
		return 1
	}
	if c.row != "" {
		fmt.Fprintln(stdout, rep.Row(c.row))
	} else {
		rep.print(stdout)
	}
	if c.jsonOut {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		enc.Encode(rep)
	}
	if !rep.OK {
		return 1
	}
	return 0
}

func parseFlags(args []string, stderr io.Writer) (config, error) {
	fs := flag.NewFlagSet("incumbent-load", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	var rates string
	fs.StringVar(&c.binary, "incumbent", "", "the incumbent binary to serve (go build -o /tmp/incumbent ./cmd/incumbent)")
	fs.StringVar(&c.db, "db", "", "its SQLite database (INCUMBENT_DB); not needed with DATABASE_URL")
	fs.StringVar(&c.accountsCSV, "accounts", "", "accounts.csv of the data set: the accounts asked about (default: acme)")
	fs.StringVar(&c.as, "as", "ops@example.com", "the email every Slack user resolves to (users.info)")
	fs.StringVar(&rates, "rates", "25,50,100,200,400", "requests a second, one step each, rising")
	fs.DurationVar(&c.step, "step", 2*time.Second, "how long each rate is held")
	fs.IntVar(&c.max, "max", 20000, "at most this many requests to each handler in all")
	fs.Float64Var(&c.events, "events", 0.2, "the share of mentions (events) among the requests")
	fs.Float64Var(&c.talk, "talk", 0, "the share of `talk <account>` commands (drafted by the stand-in model); default 0.1 with an llm fault")
	fs.StringVar(&c.fault, "fault", "", "switched on for the middle third: slack-429, slack-500, llm-500 or llm-timeout")
	fs.StringVar(&c.faultCmd, "fault-cmd", "", "a shell command run at the first third (e.g. stop Redis)")
	fs.StringVar(&c.recoverCmd, "recover-cmd", "", "a shell command run at the second third (e.g. start Redis)")
	fs.DurationVar(&c.drain, "drain", 60*time.Second, "how long to wait for deferred answers after the last request")
	fs.BoolVar(&c.jsonOut, "json", false, "print the report as JSON too")
	fs.StringVar(&c.serverLog, "server-log", "", "write the server's output to this file too")
	fs.StringVar(&c.row, "row", "", "print only one row of a fault table, named this (see RowHeader)")
	if err := fs.Parse(args); err != nil {
		return c, err
	}
	if fs.NArg() > 0 {
		return c, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if c.binary == "" {
		return c, errors.New("--incumbent is required: the binary to put under load")
	}
	if c.db == "" && os.Getenv("DATABASE_URL") == "" {
		return c, errors.New("--db is required (or DATABASE_URL in the environment)")
	}
	for _, r := range strings.Split(rates, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(r))
		if err != nil || n < 1 {
			return c, fmt.Errorf("--rates %q: whole numbers of requests a second, like 25,50,100", rates)
		}
		c.rates = append(c.rates, n)
	}
	switch c.fault {
	case "", "slack-429", "slack-500":
	case "llm-500", "llm-timeout":
		if c.talk == 0 {
			c.talk = 0.1
		}
	default:
		return c, fmt.Errorf("--fault %q: use slack-429, slack-500, llm-500 or llm-timeout", c.fault)
	}
	if c.events < 0 || c.talk < 0 || c.events+c.talk > 1 {
		return c, errors.New("--events and --talk are shares: each from 0 to 1, together at most 1")
	}
	return c, nil
}

// Step is one rate held against one handler.
type Step struct {
	Handler  string  `json:"handler"` // "bare" or "incumbent"
	Rate     int     `json:"rate"`
	Requests uint64  `json:"requests"`
	P50ms    float64 `json:"p50_ms"`
	P99ms    float64 `json:"p99_ms"`
	Errors   uint64  `json:"errors"` // not 200, or no answer at all
	Fault    bool    `json:"fault"`  // the fault was on during part of it
}

// Report is what a run found.
type Report struct {
	Steps []Step `json:"steps"`
	// Highest rate with p99 under ackGoal and no errors, by handler.
	Sustained map[string]int `json:"sustained"`
	Commands  int            `json:"commands"` // slash commands sent
	Inline    int            `json:"inline"`   // answered in the acknowledgement
	Deferred  int            `json:"deferred"` // acknowledged, then answered through response_url
	Mentions  int            `json:"mentions"` // mentions sent (retries not counted)
	Retries   int            `json:"retries"`  // retried mentions sent
	Lost      int            `json:"lost"`     // commands or mentions never answered
	Twice     int            `json:"twice"`    // answered more than once
	Refused   int            `json:"refused"`  // not acknowledged with 200
	Sorry     int64          `json:"sorry"`    // answered with an apology (something failed on the server's side)
	Fault     string         `json:"fault"`    // what was switched on
	Failed    int64          `json:"failed"`   // stand-in calls failed by the fault
	Drafts    int64          `json:"drafts"`   // calls to the stand-in model
	Unmet     bool           `json:"unmet"`    // a --fault was switched on, but no call met it
	Unknown   int64          `json:"unknown"`  // answers that did not know the account asked about
	Digests   int64          `json:"digests"`  // weekly digests the server posted meanwhile
	Up        bool           `json:"up"`       // the server answered /healthz at the end
	Ready     string         `json:"ready"`    // its /readyz at the end
	PeakRSSMB float64        `json:"peak_rss_mb"`
	RSSMB     float64        `json:"rss_mb"`
	OK        bool           `json:"ok"`
}

// sent is one request to the server, to be matched with its answer.
type sent struct {
	kind  string // "command" or "event"
	id    string // response_url id, or mention ts
	retry bool   // a retried mention: answers nothing new
}

func run(ctx context.Context, c config, stderr io.Writer) (*Report, error) {
	accounts, err := readAccounts(c.accountsCSV)
	if err != nil {
		return nil, err
	}
	channels, err := readChannels(c.accountsCSV)
	if err != nil {
		return nil, err
	}
	si := newStandIn(c.as, channels)
	siURL, stopSI, err := listen(si)
	if err != nil {
		return nil, err
	}
	defer stopSI()
	bareURL, stopBare, err := listen(http.HandlerFunc(bare))
	if err != nil {
		return nil, err
	}
	defer stopBare()
	srv, err := startServer(ctx, c, siURL)
	if err != nil {
		return nil, err
	}
	defer srv.stop()

	l := &traffic{c: c, stderr: stderr, accounts: accounts, si: si, siURL: siURL,
		requests: map[int64]sent{}, acks: map[int64]*vegeta.Result{}}
	l.warm(srv.url)
	rep := &Report{Sustained: map[string]int{}, Fault: c.fault}
	l.measure(ctx, rep, bareURL, srv.url)
	// Every request is answered once: wait for the deferred ones.
	l.mu.Lock()
	defer l.mu.Unlock()
	l.drain(ctx)
	l.tally(rep)
	l.finish(rep, srv)
	return rep, nil
}

// traffic is one run's traffic: the requests sent to the server, their acknowledgements
// and the stand-in that sees the answers.
type traffic struct {
	c        config
	stderr   io.Writer
	accounts []string
	si       *standIn
	siURL    string

	seq       atomic.Int64
	lastEvent atomic.Int64
	mu        sync.Mutex
	requests  map[int64]sent           // by sequence number; under mu
	acks      map[int64]*vegeta.Result // the server's acknowledgements, by sequence number
}

// targeter makes the requests to base: slash commands and mentions, signed as Slack
// signs them; record keeps them, to be matched with their answers.
func (l *traffic) targeter(base string, record bool) vegeta.Targeter {
	return func(t *vegeta.Target) error {
		n := l.seq.Add(1)
		acct := l.accounts[int(n)%len(l.accounts)]
		var body, path, ct string
		s := sent{}
		roll := float64(n*37%100) / 100 // a stride through 0..99: the mix holds in short runs too
		switch {
		case roll < l.c.events:
			s.kind, path, ct = "event", "/slack/events", "application/json"
			id := n
			if prev := l.lastEvent.Load(); prev != 0 && n%20 == 0 {
				id, s.retry = prev, true // Slack retries an event it thinks was lost
			} else {
				l.lastEvent.Store(n)
			}
			s.id = itoa(id) + ".000100"
			body = fmt.Sprintf(`{"type":"event_callback","team_id":"T1","event_id":"Ev%d","event":{"type":"app_mention","user":"U%d","text":"<@U_BOT> gap %s","ts":%q,"channel":"C1"}}`,
				id, id%50, acct, s.id)
		default:
			text := "gap " + acct
			if roll < l.c.events+l.c.talk {
				text = "talk " + acct
			}
			s.kind, s.id, path, ct = "command", itoa(n), "/slack/commands", "application/x-www-form-urlencoded"
			body = url.Values{"command": {"/incumbent"}, "text": {text}, "user_id": {"U" + itoa(n%50)},
				"channel_id": {"D1"}, "team_id": {"T1"}, "response_url": {l.siURL + "/response/" + s.id}}.Encode()
		}
		ts := strconv.FormatInt(time.Now().Unix(), 10)
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write([]byte("v0:" + ts + ":" + body))
		t.Method, t.URL, t.Body = http.MethodPost, base+path+"?n="+itoa(n), []byte(body)
		t.Header = http.Header{"Content-Type": {ct}, "X-Slack-Request-Timestamp": {ts},
			"X-Slack-Signature": {"v0=" + hex.EncodeToString(mac.Sum(nil))}}
		if s.retry {
			t.Header.Set("X-Slack-Retry-Num", "1")
			t.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		}
		if record {
			l.mu.Lock()
			l.requests[n] = s
			l.mu.Unlock()
		}
		return nil
	}
}

// warm warms the server's caches (the market's rates, the grades) before measuring.
func (l *traffic) warm(srvURL string) {
	warm := vegeta.NewAttacker(vegeta.Timeout(30 * time.Second))
	for r := range warm.Attack(l.targeter(srvURL, false), vegeta.Rate{Freq: 5, Per: time.Second}, time.Second, "warm") {
		_ = r
	}
}

// measure holds every rate against the bare handler, then against the server with the
// fault switched on for the middle third.
func (l *traffic) measure(ctx context.Context, rep *Report, bareURL, srvURL string) {
	bareBudget, budget := l.c.max, l.c.max
	// The bare handler, every rate; then the server, every rate, with the fault.
	for _, r := range l.c.rates {
		st := attack(ctx, l.targeter(bareURL, false), r, l.c.step, &bareBudget, "bare", nil)
		rep.Steps = append(rep.Steps, st)
	}
	total := time.Duration(len(l.c.rates)) * l.c.step
	start := time.Now()
	faultOn, faultOff := start.Add(total/3), start.Add(2*total/3)
	var faultWG sync.WaitGroup
	if l.c.fault != "" || l.c.faultCmd != "" || l.c.recoverCmd != "" {
		faultWG.Add(1)
		go func() {
			defer faultWG.Done()
			sleepUntil(ctx, faultOn)
			l.si.setFault(l.c.fault)
			shell(ctx, l.stderr, "fault", l.c.faultCmd)
			sleepUntil(ctx, faultOff)
			l.si.setFault("")
			shell(ctx, l.stderr, "recover", l.c.recoverCmd)
		}()
	}
	for _, r := range l.c.rates {
		stepStart := time.Now()
		st := attack(ctx, l.targeter(srvURL, true), r, l.c.step, &budget, "incumbent", func(res *vegeta.Result) {
			u, err := url.Parse(res.URL)
			if err != nil {
				return
			}
			n, _ := strconv.ParseInt(u.Query().Get("n"), 10, 64)
			l.acks[n] = res
		})
		st.Fault = (l.c.fault != "" || l.c.faultCmd != "") && stepStart.Before(faultOff) && time.Now().After(faultOn)
		rep.Steps = append(rep.Steps, st)
	}
	faultWG.Wait()
}

// drain waits, up to --drain, for the deferred answers.
func (l *traffic) drain(ctx context.Context) {
	pending := func() (lost []int64) {
		for n, s := range l.requests {
			res := l.acks[n]
			if res == nil || res.Code != http.StatusOK {
				continue // refused: counted below
			}
			if s.kind == "command" && !strings.Contains(string(res.Body), "Working on") {
				continue // answered inline
			}
			if !s.retry && l.si.delivered(s.kind, s.id) == 0 {
				lost = append(lost, n)
			}
		}
		return lost
	}
	for deadline := time.Now().Add(l.c.drain); len(pending()) > 0 && time.Now().Before(deadline); {
		sleepUntil(ctx, time.Now().Add(200*time.Millisecond))
	}
	time.Sleep(500 * time.Millisecond) // a second answer would come now
}

// tally counts the requests and their answers into rep.
func (l *traffic) tally(rep *Report) {
	for n, s := range l.requests {
		res := l.acks[n]
		if s.retry {
			rep.Retries++
		} else if s.kind == "event" {
			rep.Mentions++
		} else {
			rep.Commands++
		}
		if res == nil || res.Code != http.StatusOK {
			rep.Refused++
			continue
		}
		if s.retry {
			continue
		}
		got := l.si.delivered(s.kind, s.id)
		if s.kind == "command" && !strings.Contains(string(res.Body), "Working on") {
			rep.Inline++
			if strings.Contains(string(res.Body), apology) {
				rep.Sorry++
			}
			if strings.Contains(string(res.Body), noAccount) {
				rep.Unknown++
			}
			if got > 0 {
				rep.Twice++
				fmt.Fprintf(l.stderr, "incumbent-load: command %s: answered inline and %d times through response_url\n", s.id, got)
			}
			continue
		}
		if s.kind == "command" && got > 0 {
			rep.Deferred++
		}
		switch {
		case got == 0:
			rep.Lost++
			fmt.Fprintf(l.stderr, "incumbent-load: %s %s: never answered\n", s.kind, s.id)
		case got > 1:
			rep.Twice++
			fmt.Fprintf(l.stderr, "incumbent-load: %s %s: answered %d times\n", s.kind, s.id, got)
		}
	}
}

// finish adds the stand-in's counts and the server's state to rep, and judges the run.
func (l *traffic) finish(rep *Report, srv *server) {
	rep.Failed, rep.Drafts, rep.Digests = l.si.failed.Load(), l.si.drafts.Load(), l.si.digests.Load()
	rep.Sorry += l.si.sorry.Load()
	rep.Unknown += l.si.unknown.Load()
	rep.Up, rep.Ready = srv.health()
	rep.PeakRSSMB, rep.RSSMB = srv.memory()
	for _, st := range rep.Steps {
		if st.Requests > 0 && st.Errors == 0 && st.P99ms < float64(ackGoal)/float64(time.Millisecond) && st.Rate > rep.Sustained[st.Handler] {
			rep.Sustained[st.Handler] = st.Rate
		}
	}
	// A fault that met no call, or a server that does not hold the accounts asked about,
	// tested nothing: the run fails rather than pass on it.
	rep.Unmet = l.c.fault != "" && rep.Failed == 0
	rep.OK = rep.Lost == 0 && rep.Twice == 0 && rep.Refused == 0 && rep.Up && !rep.Unmet && rep.Unknown == 0
}

// attack holds rate against one handler for d (fewer when the budget runs out) and
// summarises it; each result goes to seen too.
func attack(ctx context.Context, tr vegeta.Targeter, rate int, d time.Duration, budget *int, name string, seen func(*vegeta.Result)) Step {
	n := min(*budget, int(float64(rate)*d.Seconds()))
	*budget -= n
	st := Step{Handler: name, Rate: rate}
	if n <= 0 || ctx.Err() != nil {
		return st
	}
	var m vegeta.Metrics
	atk := vegeta.NewAttacker(vegeta.Timeout(10*time.Second), vegeta.KeepAlive(true), vegeta.MaxWorkers(512))
	for res := range atk.Attack(tr, vegeta.Rate{Freq: rate, Per: time.Second}, time.Duration(n)*time.Second/time.Duration(rate), name) {
		m.Add(res)
		if res.Code != http.StatusOK {
			st.Errors++
		}
		if seen != nil {
			seen(res)
		}
	}
	m.Close()
	st.Requests = m.Requests
	st.P50ms = float64(m.Latencies.P50) / float64(time.Millisecond)
	st.P99ms = float64(m.Latencies.P99) / float64(time.Millisecond)
	return st
}

// bare only verifies the signature: the floor the real handler is compared with.
func bare(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err == nil {
		var sv slack.SecretsVerifier
		if sv, err = slack.NewSecretsVerifier(r.Header, secret); err == nil {
			sv.Write(body)
			err = sv.Ensure()
		}
	}
	if err != nil {
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Write([]byte(`{"response_type":"ephemeral","text":"ok"}`))
}

// listen serves h on a loopback port.
func listen(h http.Handler) (string, func(), error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	s := &http.Server{Handler: h, ReadHeaderTimeout: 10 * time.Second}
	go s.Serve(l)
	return "http://" + l.Addr().String(), func() { s.Close() }, nil
}

// readAccounts returns the account ids of an accounts.csv, or acme without one.
func readAccounts(path string) ([]string, error) {
	if path == "" {
		return []string{"acme"}, nil
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("--accounts: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(bufio.NewReader(f))
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("--accounts %s: %w", path, err)
	}
	var ids []string
	for i, row := range rows {
		if i > 0 && len(row) > 0 && row[0] != "" {
			ids = append(ids, row[0])
		}
	}
	if len(ids) == 0 {
		return nil, fmt.Errorf("--accounts %s: no accounts", path)
	}
	return ids, nil
}

// server is the incumbent process under load.
type server struct {
	cmd  *exec.Cmd
	url  string
	logs *bytes.Buffer
	done chan struct{}
}

func startServer(ctx context.Context, c config, standIn string) (*server, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	addr := l.Addr().String()
	l.Close()
	cmd := exec.Command(c.binary, "serve", "--addr", addr)
	cmd.Env = append(os.Environ(), "SLACK_SIGNING_SECRET="+secret, "SLACK_BOT_TOKEN=xoxb-load", "SLACK_API_URL="+standIn+"/",
		"OPENAI_BASE_URL="+standIn+"/v1", "OPENAI_API_KEY=sk-load", "INCUMBENT_LLM_MODEL=stand-in",
		"INCUMBENT_PLAYGROUND=off", "INCUMBENT_LOG_LEVEL=warn")
	if os.Getenv("INCUMBENT_LLM_TIMEOUT") == "" {
		cmd.Env = append(cmd.Env, "INCUMBENT_LLM_TIMEOUT=2s")
	}
	if c.db != "" {
		cmd.Env = append(cmd.Env, "INCUMBENT_DB="+c.db)
	}
	// Event ids repeat from run to run: each run keeps its keys apart in a shared Redis.
	if os.Getenv("INCUMBENT_REDIS_PREFIX") == "" {
		cmd.Env = append(cmd.Env, fmt.Sprintf("INCUMBENT_REDIS_PREFIX=incumbent-load-%d:", time.Now().UnixNano()))
	}
	s := &server{cmd: cmd, url: "http://" + addr, logs: &bytes.Buffer{}, done: make(chan struct{})}
	var out io.Writer = s.logs
	if c.serverLog != "" {
		f, err := os.Create(c.serverLog)
		if err != nil {
			return nil, fmt.Errorf("--server-log: %w", err)
		}
		out = io.MultiWriter(s.logs, f) // the file is closed when this process exits
	}
	lw := &lockedWriter{w: out}
	cmd.Stdout, cmd.Stderr = lw, lw
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", c.binary, err)
	}
	go func() { cmd.Wait(); close(s.done) }()
	for deadline := time.Now().Add(2 * time.Minute); ; {
		if up, _ := s.health(); up {
			return s, nil
		}
		select {
		case <-s.done:
			return nil, fmt.Errorf("incumbent serve exited: %s", s.tail())
		case <-ctx.Done():
			s.stop()
			return nil, ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			s.stop()
			return nil, fmt.Errorf("incumbent serve did not answer /healthz in 2 minutes: %s", s.tail())
		}
	}
}

// health reports whether the server answers /healthz, and its /readyz.
func (s *server) health() (bool, string) {
	select {
	case <-s.done:
		return false, "exited"
	default:
	}
	cl := &http.Client{Timeout: 2 * time.Second}
	resp, err := cl.Get(s.url + "/healthz")
	if err != nil {
		return false, err.Error()
	}
	resp.Body.Close()
	ready := ""
	if r, err := cl.Get(s.url + "/readyz"); err == nil {
		b, _ := io.ReadAll(r.Body)
		r.Body.Close()
		ready = strings.TrimSpace(string(b))
	}
	return resp.StatusCode == http.StatusOK, ready
}

// memory returns the process's peak and current resident memory, in MB (Linux).
func (s *server) memory() (peak, now float64) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", s.cmd.Process.Pid))
	if err != nil {
		return 0, 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		kb, _ := strconv.ParseFloat(f[1], 64)
		switch f[0] {
		case "VmHWM:":
			peak = kb / 1024
		case "VmRSS:":
			now = kb / 1024
		}
	}
	return peak, now
}

func (s *server) stop() {
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(15 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
}

// tail is the end of the server's output, for an error message.
func (s *server) tail() string {
	lw := s.cmd.Stderr.(*lockedWriter)
	lw.mu.Lock()
	defer lw.mu.Unlock()
	out := s.logs.String()
	if len(out) > 2000 {
		out = "…" + out[len(out)-2000:]
	}
	return out
}

type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

// shell runs a fault's command, saying so.
func shell(ctx context.Context, stderr io.Writer, what, command string) {
	if command == "" {
		return
	}
	out, err := exec.CommandContext(ctx, "sh", "-c", command).CombinedOutput()
	fmt.Fprintf(stderr, "incumbent-load: %s: %s: %s %v\n", what, command, strings.TrimSpace(string(out)), errOrEmpty(err))
}

func errOrEmpty(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func sleepUntil(ctx context.Context, t time.Time) {
	select {
	case <-time.After(time.Until(t)):
	case <-ctx.Done():
	}
}

// RowHeader names the columns of Row, tab-separated.
const RowHeader = "scenario\tsent\tlost\ttwice\trefused\tapologised\tfaulted calls\tmodel calls\tworst p99 ms\tserver up\tready after\tpeak RSS MB\tresult"

// Row is the report as one line of a table of fault scenarios.
func (r *Report) Row(name string) string {
	worst := 0.0
	for _, s := range r.Steps {
		if s.Handler == "incumbent" {
			worst = max(worst, s.P99ms)
		}
	}
	ready := "degraded"
	if strings.Contains(r.Ready, `"status":"ok"`) {
		ready = "ok"
	}
	result := "OK"
	switch {
	case r.Unknown > 0:
		result = "FAILED: the server does not hold the accounts"
	case r.Unmet:
		result = "FAILED: the fault met no call"
	case !r.OK:
		result = "FAILED"
	}
	return fmt.Sprintf("%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%.0f\t%v\t%s\t%.0f\t%s", name, r.Commands+r.Mentions+r.Retries, r.Lost, r.Twice,
		r.Refused, r.Sorry, r.Failed, r.Drafts, worst, r.Up, ready, r.PeakRSSMB, result)
}

// print writes the report as tables.
func (r *Report) print(w io.Writer) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintln(tw, "handler\trate/s\trequests\tp50 ms\tp99 ms\terrors\tfault\t")
	steps := slices.Clone(r.Steps)
	for _, s := range steps {
		fault := ""
		if s.Fault {
			fault = r.Fault
			if fault == "" {
				fault = "yes"
			}
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%.1f\t%.1f\t%d\t%s\t\n", s.Handler, s.Rate, s.Requests, s.P50ms, s.P99ms, s.Errors, fault)
	}
	tw.Flush()
	fmt.Fprintf(w, "\nhighest rate with p99 < %v and no errors: incumbent %d/s, bare handler %d/s\n", ackGoal, r.Sustained["incumbent"], r.Sustained["bare"])
	fmt.Fprintf(w, "slash commands %d: %d answered inline, %d through response_url; mentions %d (+%d retried)\n",
		r.Commands, r.Inline, r.Deferred, r.Mentions, r.Retries)
	fmt.Fprintf(w, "lost %d, answered twice %d, refused %d, answered with an apology %d; stand-in calls failed by the fault %d; model calls %d\n",
		r.Lost, r.Twice, r.Refused, r.Sorry, r.Failed, r.Drafts)
	fmt.Fprintf(w, "weekly digests the server posted meanwhile: %d\n", r.Digests)
	fmt.Fprintf(w, "server up: %v; readyz: %s; resident memory %.0f MB, peak %.0f MB\n", r.Up, r.Ready, r.RSSMB, r.PeakRSSMB)
	if r.OK {
		fmt.Fprintln(w, "OK: every command and mention answered once")
	} else {
		if r.Unknown > 0 {
			fmt.Fprintf(w, "FAILED: %d answers did not know the account asked about: is the server's data the data set of --accounts?\n", r.Unknown)
		}
		if r.Unmet {
			fmt.Fprintf(w, "FAILED: the fault %s met no call, so this run tested nothing of it\n", r.Fault)
		}
		if r.Unknown == 0 && !r.Unmet {
			fmt.Fprintln(w, "FAILED")
		}
	}
}

// readChannels returns the digest channels (without their #) of the territories.csv
// beside an accounts.csv, for the stand-in's conversations.list; none without one.
func readChannels(accountsCSV string) ([]string, error) {
	if accountsCSV == "" {
		return nil, nil
	}
	f, err := os.Open(filepath.Join(filepath.Dir(accountsCSV), "territories.csv"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("territories.csv beside --accounts: %w", err)
	}
	defer f.Close()
	rows, err := csv.NewReader(bufio.NewReader(f)).ReadAll()
	if err != nil || len(rows) == 0 {
		return nil, fmt.Errorf("territories.csv beside --accounts: %v", err)
	}
	col := slices.Index(rows[0], "digest_channel")
	var out []string
	for _, row := range rows[1:] {
		if col >= 0 && col < len(row) && row[col] != "" {
			out = append(out, strings.TrimPrefix(row[col], "#"))
		}
	}
	return out, nil
}
