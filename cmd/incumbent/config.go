package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	httpserver "github.com/incumbent/incumbent/adapters/http"
	"github.com/incumbent/incumbent/adapters/openai"
	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// Config is a command's configuration, from its flags and the environment. readConfig
// reads the environment, the one place that does (Env.Getenv); a subcommand registers
// its flags on it (dbFlag, asOfFlag, settingsFlag), applies them (applyFlags) and checks
// the parts it uses once, before it opens anything (checkBot, checkServe, checkSend).
// The check methods fill in the parsed values; their errors name the variable or flag.
type Config struct {
	// DB is the SQLite file (--db, $INCUMBENT_DB, ./incumbent.db); DatabaseURL
	// ($DATABASE_URL) a PostgreSQL database, which wins unless --db is given.
	DB          string
	DatabaseURL string
	dbGiven     bool // --db was on the command line

	// Settings is the settings file (--settings, $INCUMBENT_SETTINGS; "" the built-in
	// defaults).
	Settings, settingsEnv string
	// AsOf is the as-of date of every figure (--as-of, $INCUMBENT_AS_OF; zero: today).
	AsOf             time.Time
	asOfArg, asOfEnv string
	// Money is how amounts are written ($INCUMBENT_CURRENCY, default USD).
	Money    bot.Money
	currency string
	// LLM is the model that drafts talking points, if any.
	LLM LLMConfig
	// ImportMap is the mapping file that reads customers' exports as the standard CSV
	// files (--map, $INCUMBENT_IMPORT_MAP; "": none).
	ImportMap string

	// MemoryLimitSet says $GOMEMLIMIT is set: the runtime's limit stands, not the
	// command's own.
	MemoryLimitSet bool
	// Secrets are every secret the environment holds, masked in what is printed and logged.
	Secrets []string
	// LogLevel is serve's log level ($INCUMBENT_LOG_LEVEL: debug, info, warn, error).
	LogLevel slog.Level
	logLevel string
	// DigestClaimTimeout is how long a digest's claim lasts
	// ($INCUMBENT_DIGEST_CLAIM_TIMEOUT; zero: the scheduler's default).
	DigestClaimTimeout time.Duration
	claimTimeout       string
	// AlertsOff stops serve sending the reps' daily alerts ($INCUMBENT_ALERTS=off; on
	// by default). `alerts` previews them either way.
	AlertsOff bool
	alerts    string

	Serve ServeConfig
	CRM   CRMConfig
	Redis RedisConfig
	Slack SlackConfig
	Teams TeamsConfig
}

// LLMConfig is the model that drafts talking points: OPENAI_API_KEY (with
// OPENAI_BASE_URL for any OpenAI-compatible server), or AZURE_OPENAI_ENDPOINT with
// AZURE_OPENAI_API_KEY and AZURE_OPENAI_DEPLOYMENT; INCUMBENT_LLM_MODEL names the model,
// INCUMBENT_LLM_TIMEOUT bounds it (zero: the bot's default, 20s).
type LLMConfig struct {
	OpenAI  openai.Config
	Timeout time.Duration
	timeout string
}

// ServeConfig is what serve listens on and how its web playground is reached.
type ServeConfig struct {
	Addr    string // --addr, $INCUMBENT_ADDR, defaultAddr
	addrEnv string
	// Playground is off with INCUMBENT_PLAYGROUND=off.
	Playground bool
	playground string
	// PlaygroundToken ($INCUMBENT_PLAYGROUND_TOKEN) and PlaygroundAs
	// ($INCUMBENT_PLAYGROUND_AS, an email of people.csv) guard the playground and say whom
	// it acts as.
	PlaygroundToken, PlaygroundAs string
	// PublicURL is the server's public URL ($INCUMBENT_PUBLIC_URL), nil when unset.
	PublicURL *url.URL
	publicURL string
	// ChartKey ($INCUMBENT_CHART_KEY) signs links to charts; with PublicURL, Slack and
	// Teams show charts from links to this server instead of files and inline pictures.
	ChartKey string
}

// RedisConfig is where replicas share state: REDIS_URL (none: this process's memory),
// INCUMBENT_REDIS_PREFIX, and REDIS_ADDRS and REDIS_MASTER_NAME for a cluster or Sentinel.
type RedisConfig struct {
	URL, Prefix, MasterName string
	Addrs                   []string
}

// SlackConfig is Slack: SLACK_BOT_TOKEN with SLACK_SIGNING_SECRET (HTTP mode) and/or
// SLACK_APP_TOKEN (Socket Mode); SLACK_API_URL overrides the Web API's base URL (tests,
// GovSlack); INCUMBENT_ALLOW_EXTERNAL=on lets figures into Slack Connect channels.
type SlackConfig struct {
	BotToken, SigningSecret, AppToken, APIURL string
	AllowExternal                             bool
	allowExternal                             string
}

// TeamsConfig is Microsoft Teams: MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD (the
// Azure Bot's app id and client secret), with MICROSOFT_APP_TENANT_ID for a
// single-tenant bot (empty: multi-tenant). Optional: MICROSOFT_OPENID_METADATA_URL,
// MICROSOFT_TOKEN_URL and MICROSOFT_SERVICE_URL_HOSTS (comma-separated; ".example.com"
// allows subdomains) for sovereign clouds and tests.
type TeamsConfig struct {
	AppID, Password, TenantID string
	MetadataURL, TokenURL     string
	ServiceURLHosts           []string
}

// readConfig reads the environment: every variable the program uses, unchecked.
func readConfig(env Env) Config {
	get := env.Getenv
	c := Config{
		DB: get("INCUMBENT_DB"), DatabaseURL: get("DATABASE_URL"),
		settingsEnv: get("INCUMBENT_SETTINGS"), asOfEnv: get("INCUMBENT_AS_OF"),
		currency:       get("INCUMBENT_CURRENCY"),
		ImportMap:      get("INCUMBENT_IMPORT_MAP"),
		MemoryLimitSet: get("GOMEMLIMIT") != "",
		Secrets:        envSecrets(env),
		logLevel:       get("INCUMBENT_LOG_LEVEL"),
		claimTimeout:   get("INCUMBENT_DIGEST_CLAIM_TIMEOUT"),
		alerts:         get("INCUMBENT_ALERTS"),
		LLM: LLMConfig{timeout: get("INCUMBENT_LLM_TIMEOUT"), OpenAI: openai.Config{
			Model: get("INCUMBENT_LLM_MODEL"), BaseURL: get("OPENAI_BASE_URL"), APIKey: get("OPENAI_API_KEY")}},
		Serve: ServeConfig{addrEnv: get("INCUMBENT_ADDR"), playground: get("INCUMBENT_PLAYGROUND"),
			PlaygroundToken: get("INCUMBENT_PLAYGROUND_TOKEN"), PlaygroundAs: strings.TrimSpace(get("INCUMBENT_PLAYGROUND_AS")),
			publicURL: get("INCUMBENT_PUBLIC_URL"), ChartKey: get("INCUMBENT_CHART_KEY")},
		CRM: CRMConfig{SalesforceURL: get("SALESFORCE_URL"), SalesforceClientID: get("SALESFORCE_CLIENT_ID"),
			SalesforceClientSecret: get("SALESFORCE_CLIENT_SECRET"), HubSpotToken: get("HUBSPOT_TOKEN"),
			HubSpotAPIURL: get("HUBSPOT_API_URL"), every: get("INCUMBENT_SYNC_EVERY")},
		Redis: RedisConfig{URL: get("REDIS_URL"), Prefix: get("INCUMBENT_REDIS_PREFIX"), MasterName: get("REDIS_MASTER_NAME")},
		Slack: SlackConfig{BotToken: get("SLACK_BOT_TOKEN"), SigningSecret: get("SLACK_SIGNING_SECRET"),
			AppToken: get("SLACK_APP_TOKEN"), APIURL: get("SLACK_API_URL"), allowExternal: get("INCUMBENT_ALLOW_EXTERNAL")},
		Teams: TeamsConfig{AppID: get("MICROSOFT_APP_ID"), Password: get("MICROSOFT_APP_PASSWORD"),
			TenantID: get("MICROSOFT_APP_TENANT_ID"), MetadataURL: get("MICROSOFT_OPENID_METADATA_URL"),
			TokenURL: get("MICROSOFT_TOKEN_URL")},
	}
	if c.DB == "" {
		c.DB = "incumbent.db"
	}
	if ep := get("AZURE_OPENAI_ENDPOINT"); ep != "" {
		o := &c.LLM.OpenAI
		o.AzureEndpoint, o.AzureDeployment, o.APIKey = ep, get("AZURE_OPENAI_DEPLOYMENT"), get("AZURE_OPENAI_API_KEY")
	}
	if addrs := get("REDIS_ADDRS"); addrs != "" {
		c.Redis.Addrs = strings.Split(addrs, ",")
	}
	if v := get("MICROSOFT_SERVICE_URL_HOSTS"); v != "" {
		for _, h := range strings.Split(v, ",") {
			if h = strings.TrimSpace(h); h != "" {
				c.Teams.ServiceURLHosts = append(c.Teams.ServiceURLHosts, h)
			}
		}
	}
	return c
}

// mask replaces a secret in what the program prints.
const mask = "xxxxx"

// secretEnv are the variables whose whole value is a secret.
var secretEnv = []string{"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "MICROSOFT_APP_PASSWORD",
	"OPENAI_API_KEY", "INCUMBENT_PLAYGROUND_TOKEN", "INCUMBENT_CHART_KEY", "SALESFORCE_CLIENT_SECRET", "HUBSPOT_TOKEN"}

// urlEnv are the variables holding a URL or connection string that may carry a password
// or a token: in its user information, its query, or as key=value.
var urlEnv = []string{"DATABASE_URL", "REDIS_URL", "REDIS_ADDRS", "OPENAI_BASE_URL", "SLACK_API_URL", "INCUMBENT_PUBLIC_URL",
	"SALESFORCE_URL", "HUBSPOT_API_URL"}

// envSecrets returns every secret the environment holds, for redactText.
func envSecrets(env Env) []string {
	var out []string
	for _, k := range secretEnv {
		if v := env.Getenv(k); v != "" {
			out = append(out, v)
		}
	}
	for _, k := range urlEnv {
		out = append(out, secretsIn(env.Getenv(k))...)
	}
	return out
}

// dbFlag registers --db with the environment's default. A --db given on the command
// line wins over DATABASE_URL (see applyFlags).
func (c *Config) dbFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.DB, "db", c.DB, "SQLite database file (env INCUMBENT_DB); given here, it wins over DATABASE_URL")
}

// mapFlag registers import's --map with the environment's default.
func (c *Config) mapFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.ImportMap, "map", c.ImportMap, "mapping file, TOML, that reads the exports in DIR as the standard CSV files (env INCUMBENT_IMPORT_MAP; see docs/CSV.md)")
}

// asOfFlag registers --as-of.
func (c *Config) asOfFlag(fs *flag.FlagSet, usage string) {
	fs.StringVar(&c.asOfArg, "as-of", "", usage)
}

// settingsFlag registers --settings.
func (c *Config) settingsFlag(fs *flag.FlagSet) {
	fs.StringVar(&c.Settings, "settings", "", "settings file, TOML (env INCUMBENT_SETTINGS; default: the built-in defaults)")
}

// applyFlags completes c from the parsed flags fs: a --db given on the command line
// sets DATABASE_URL aside, so that the command opens that SQLite file as asked, not the
// PostgreSQL database the environment names. (Otherwise DATABASE_URL wins over
// INCUMBENT_DB and the default file.)
func (c *Config) applyFlags(fs *flag.FlagSet) {
	fs.Visit(func(f *flag.Flag) { c.dbGiven = c.dbGiven || f.Name == "db" })
	if c.dbGiven {
		c.DatabaseURL = ""
	}
	if c.Settings == "" {
		c.Settings = c.settingsEnv
	}
}

// checkBot checks what the bot answers with: the as-of date, the model and the currency.
func (c *Config) checkBot() error {
	asOf := c.asOfArg
	if asOf == "" {
		asOf = c.asOfEnv
	}
	if asOf != "" {
		d, err := domain.ParseDate(asOf)
		if err != nil {
			return usageError{fmt.Sprintf("--as-of: %q is not a date (YYYY-MM-DD)", asOf)}
		}
		c.AsOf = d
	}
	if v := c.LLM.timeout; v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return usageError{fmt.Sprintf("INCUMBENT_LLM_TIMEOUT %q: a duration such as 20s", v)}
		}
		c.LLM.Timeout = d
	}
	m, err := bot.NewMoney(c.currency)
	if err != nil {
		return usageError{"INCUMBENT_CURRENCY: " + domain.ErrorMessage(err)}
	}
	c.Money = m
	return nil
}

// checkLogLevel checks INCUMBENT_LOG_LEVEL (default info).
func (c *Config) checkLogLevel() error {
	if v := c.logLevel; v != "" {
		if err := c.LogLevel.UnmarshalText([]byte(v)); err != nil {
			return usageError{fmt.Sprintf("INCUMBENT_LOG_LEVEL %q: use debug, info, warn or error", v)}
		}
	}
	return nil
}

// checkDigestClaimTimeout checks INCUMBENT_DIGEST_CLAIM_TIMEOUT: how long a digest's
// claim lasts before another process may take it over and send it
// (bot.DigestScheduler.Stale; "" leaves the default, 10 minutes). Shorter hands a
// crashed process's digest on sooner; it must leave time to build and send a digest
// (half of it).
func (c *Config) checkDigestClaimTimeout() error {
	v := c.claimTimeout
	if v == "" {
		return nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 2*time.Second {
		return usageError{fmt.Sprintf("INCUMBENT_DIGEST_CLAIM_TIMEOUT %q: a duration of at least 2s, such as 10m", v)}
	}
	c.DigestClaimTimeout = d
	return nil
}

// onOff reads the switch name set to v: on, true, 1 or off, false, 0 (any case); def
// when v is "".
func onOff(name, v string, def bool) (bool, error) {
	switch v := strings.ToLower(v); v {
	case "":
		return def, nil
	case "on", "true", "1":
		return true, nil
	case "off", "false", "0":
		return false, nil
	default:
		return false, usageError{fmt.Sprintf("%s %q: use on or off", name, v)}
	}
}

// checkServe checks serve's configuration: everything it reads, before it opens
// anything.
func (c *Config) checkServe() error {
	if err := c.checkLogLevel(); err != nil {
		return err
	}
	s := &c.Serve
	var err error
	if s.Playground, err = onOff("INCUMBENT_PLAYGROUND", s.playground, true); err != nil {
		return err
	}
	if err := c.CRM.checkSync(); err != nil {
		return err
	}
	if err := c.checkDigestClaimTimeout(); err != nil {
		return err
	}
	alerts, err := onOff("INCUMBENT_ALERTS", c.alerts, true)
	if err != nil {
		return err
	}
	c.AlertsOff = !alerts
	if err := s.checkPublicURL(); err != nil {
		return err
	}
	if err := s.checkOffLoopback(); err != nil {
		return err
	}
	if err := c.checkBot(); err != nil {
		return err
	}
	return c.checkChat()
}

// checkPublicURL checks INCUMBENT_PUBLIC_URL, the server's public URL where it has one
// (DESIGN section 5): an absolute http or https URL with a host and nothing else (https
// where the network is not trusted: the playground's cookie is then Secure).
func (s *ServeConfig) checkPublicURL() error {
	v := s.publicURL
	if v == "" {
		return nil
	}
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil ||
		u.RawQuery != "" || u.Fragment != "" || (u.Path != "" && u.Path != "/") {
		return usageError{fmt.Sprintf("INCUMBENT_PUBLIC_URL %q: give the server's public address, https://HOST or https://HOST:PORT", redactDSN(v))}
	}
	s.PublicURL = u
	return nil
}

// checkOffLoopback checks the playground's settings off loopback, where anyone on the
// network reaches it: it needs its token, the one host it answers at, and the one
// person it acts as.
func (s *ServeConfig) checkOffLoopback() error {
	if !s.Playground || httpserver.IsLoopback(s.Addr) {
		return nil
	}
	var missing []string
	for _, v := range []struct{ name, value string }{{"INCUMBENT_PLAYGROUND_TOKEN", s.PlaygroundToken},
		{"INCUMBENT_PUBLIC_URL", s.publicURL}, {"INCUMBENT_PLAYGROUND_AS", s.PlaygroundAs}} {
		if v.value == "" {
			missing = append(missing, v.name)
		}
	}
	if len(missing) > 0 {
		return usageError{fmt.Sprintf("--addr %s is not a loopback address, so the web playground needs a token (INCUMBENT_PLAYGROUND_TOKEN), "+
			"the public URL it is reached at (INCUMBENT_PUBLIC_URL) and the person it acts as (INCUMBENT_PLAYGROUND_AS, an email of people.csv): "+
			"set %s, or INCUMBENT_PLAYGROUND=off", s.Addr, strings.Join(missing, " and "))}
	}
	return nil
}

// checkSend checks what `digest --send` reads: the log level and the chat platforms.
func (c *Config) checkSend() error {
	if err := c.checkLogLevel(); err != nil {
		return err
	}
	return c.checkChat()
}

// checkChat checks the Slack and Teams settings: each set in full or not at all.
func (c *Config) checkChat() error {
	sl := &c.Slack
	if sl.BotToken == "" && (sl.SigningSecret != "" || sl.AppToken != "") {
		return usageError{"SLACK_SIGNING_SECRET or SLACK_APP_TOKEN is set but SLACK_BOT_TOKEN is not: Slack needs the bot token (xoxb-…)"}
	}
	if sl.BotToken != "" {
		if sl.SigningSecret == "" && sl.AppToken == "" {
			return usageError{"SLACK_BOT_TOKEN is set: add SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode)"}
		}
		allow, err := onOff("INCUMBENT_ALLOW_EXTERNAL", sl.allowExternal, false)
		if err != nil {
			return err
		}
		sl.AllowExternal = allow
	}
	t := c.Teams
	if t.AppID == "" && (t.Password != "" || t.TenantID != "") {
		return usageError{"MICROSOFT_APP_PASSWORD or MICROSOFT_APP_TENANT_ID is set but MICROSOFT_APP_ID is not: Teams needs the Azure Bot's Microsoft App ID"}
	}
	if t.AppID != "" && t.Password == "" {
		return usageError{"MICROSOFT_APP_ID is set: add MICROSOFT_APP_PASSWORD, the Azure Bot's client secret"}
	}
	return nil
}
