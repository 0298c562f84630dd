// Package prometheus exports Incumbent's metrics in the Prometheus format with
// github.com/prometheus/client_golang: HTTP requests by route and status, commands by
// adapter, command and outcome, with latency histograms, on a registry of its own (plus
// the Go runtime and process collectors).
package prometheus

import (
	"net/http"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/incumbent/incumbent/bot"
)

// Metrics holds the collectors. Its methods are safe for concurrent use.
type Metrics struct {
	registry        *prometheus.Registry
	httpRequests    *prometheus.CounterVec
	httpDuration    *prometheus.HistogramVec
	commands        *prometheus.CounterVec
	commandDuration *prometheus.HistogramVec
	commandErrors   *prometheus.CounterVec
	drafts          *prometheus.CounterVec
	draftTokens     *prometheus.CounterVec
	draftDuration   *prometheus.HistogramVec
	digests         *prometheus.CounterVec
	alerts          *prometheus.CounterVec
	questions       *prometheus.CounterVec
	charts          *prometheus.CounterVec
}

// The interfaces Metrics implements. http's Observer, which prometheus may not import,
// is checked where cmd/incumbent wires it.
var (
	_ bot.Observer         = (*Metrics)(nil)
	_ bot.DraftObserver    = (*Metrics)(nil)
	_ bot.DigestObserver   = (*Metrics)(nil)
	_ bot.AlertObserver    = (*Metrics)(nil)
	_ bot.QuestionObserver = (*Metrics)(nil)
)

// New registers Incumbent's collectors on a new registry.
func New() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{
		registry: r,
		httpRequests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "incumbent_http_requests_total", Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "incumbent_http_request_duration_seconds", Help: "HTTP request latency by route.",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"route"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "incumbent_commands_total", Help: "Commands answered, by adapter (web, slack, teams, cli), command and outcome (ok or an error code).",
		}, []string{"adapter", "command", "outcome"}),
		commandDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "incumbent_command_duration_seconds", Help: "Command latency by adapter and command.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"adapter", "command"}),
		commandErrors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "incumbent_command_errors_total", Help: "Commands answered with an error, by error code (invalid, not_found, forbidden, conflict, internal).",
		}, []string{"code"}),
	}
	m.drafts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incumbent_drafts_total", Help: "Talking-point drafts by drafter and outcome (ok, fallback, ungrounded).",
	}, []string{"drafter", "outcome"})
	m.draftTokens = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incumbent_draft_tokens_total", Help: "Tokens the model used for drafts, by kind (prompt, completion).",
	}, []string{"kind"})
	m.draftDuration = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "incumbent_draft_duration_seconds", Help: "How long the model took to draft.",
		Buckets: []float64{.1, .25, .5, 1, 2, 4, 8, 16, 32},
	}, []string{"drafter"})
	m.digests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incumbent_digests_total", Help: "Weekly digest attempts of this process, by outcome (sent, failed).",
	}, []string{"outcome"})
	m.alerts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incumbent_alerts_total", Help: "Daily alert attempts of this process, by outcome (sent, nothing, failed).",
	}, []string{"outcome"})
	m.questions = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incumbent_questions_total", Help: "Plain questions by router (rules, model, none) and outcome (routed, refused, error, timeout, not_understood).",
	}, []string{"router", "outcome"})
	m.charts = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "incumbent_charts_total", Help: "Charts of posted Slack replies, drawn and uploaded in the background, by outcome (uploaded, failed, dropped: the queue was full).",
	}, []string{"outcome"})
	r.MustRegister(m.drafts, m.draftTokens, m.draftDuration, m.digests, m.alerts, m.questions, m.charts)
	r.MustRegister(m.httpRequests, m.httpDuration, m.commands, m.commandDuration, m.commandErrors,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Handler serves the metrics at /metrics.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{Registry: m.registry})
}

// ObserveHTTP records one HTTP request. route is the pattern it matched, never the raw
// path, so that the label stays bounded.
func (m *Metrics) ObserveHTTP(route string, code int, d time.Duration) {
	m.httpRequests.WithLabelValues(route, strconv.Itoa(code)).Inc()
	m.httpDuration.WithLabelValues(route).Observe(d.Seconds())
}

// ObserveCommand records one command. errCode is "" for a reply without error.
func (m *Metrics) ObserveCommand(adapter, command, errCode string, d time.Duration) {
	outcome := "ok"
	if errCode != "" {
		outcome = errCode
		m.commandErrors.WithLabelValues(errCode).Inc()
	}
	m.commands.WithLabelValues(adapter, command, outcome).Inc()
	m.commandDuration.WithLabelValues(adapter, command).Observe(d.Seconds())
}

// CounterFunc registers a counter whose value fn reads (a count kept elsewhere, such as
// the Redis store's failures).
func (m *Metrics) CounterFunc(name, help string, fn func() float64) {
	m.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, fn))
}

// ObserveDraft records one talking-point draft.
func (m *Metrics) ObserveDraft(drafter, outcome string, promptTokens, completionTokens int, d time.Duration) {
	m.drafts.WithLabelValues(drafter, outcome).Inc()
	m.draftTokens.WithLabelValues("prompt").Add(float64(promptTokens))
	m.draftTokens.WithLabelValues("completion").Add(float64(completionTokens))
	if drafter != "template" {
		m.draftDuration.WithLabelValues(drafter).Observe(d.Seconds())
	}
}

// ObserveDigest records one attempt at sending a weekly digest: outcome is sent or
// failed.
func (m *Metrics) ObserveDigest(outcome string) {
	m.digests.WithLabelValues(outcome).Inc()
}

// ObserveQuestion records one plain question: the router that read it and the outcome.
func (m *Metrics) ObserveQuestion(router, outcome string) {
	m.questions.WithLabelValues(router, outcome).Inc()
}

// ObserveAlert records one daily alert: outcome is sent, nothing (nothing new, no
// message) or failed.
func (m *Metrics) ObserveAlert(outcome string) {
	m.alerts.WithLabelValues(outcome).Inc()
}

// ObserveChart records one chart of a posted reply: outcome is uploaded, failed or
// dropped (the chart queue was full).
func (m *Metrics) ObserveChart(outcome string) {
	m.charts.WithLabelValues(outcome).Inc()
}
