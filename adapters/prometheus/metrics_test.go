package prometheus_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/incumbent/incumbent/adapters/prometheus"
)

// TestQuestions: plain questions are counted by router and outcome.
func TestQuestions(t *testing.T) {
	m := prometheus.New()
	m.ObserveQuestion("rules", "routed")
	m.ObserveQuestion("rules", "routed")
	m.ObserveQuestion("model", "refused")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`incumbent_questions_total{outcome="routed",router="rules"} 2`,
		`incumbent_questions_total{outcome="refused",router="model"} 1`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("no %s in the metrics", want)
		}
	}
}

// TestDigestsAndAlerts: weekly digests and daily alerts are counted by outcome, each in
// its own counter.
func TestDigestsAndAlerts(t *testing.T) {
	m := prometheus.New()
	m.ObserveDigest("sent")
	m.ObserveAlert("sent")
	m.ObserveAlert("sent")
	m.ObserveAlert("nothing")
	m.ObserveAlert("failed")
	m.ObserveChart("uploaded")
	m.ObserveChart("dropped")
	m.ObserveChart("dropped")
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{`incumbent_digests_total{outcome="sent"} 1`,
		`incumbent_alerts_total{outcome="sent"} 2`, `incumbent_alerts_total{outcome="nothing"} 1`,
		`incumbent_alerts_total{outcome="failed"} 1`, `incumbent_charts_total{outcome="uploaded"} 1`,
		`incumbent_charts_total{outcome="dropped"} 2`} {
		if !strings.Contains(string(body), want) {
			t.Errorf("no %s in the metrics", want)
		}
	}
}
