package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
)

// TestPlainQuestionsCLI: `ask` and `chat` answer plain questions, with the rules alone
// and, given the talking points' model settings, with the model router (a local
// OpenAI-compatible stand-in) for what the rules cannot read.
func TestPlainQuestionsCLI(t *testing.T) {
	db := testDB(t, "digestdata")
	code, out, errOut := run(t, "", nil, "ask", "--db", db, "who owes us money?")
	if code != 0 || !strings.HasPrefix(out, "· I read this as `late mine`.") || !strings.Contains(out, "Southern Foods: $4,000, 180 days late") {
		t.Errorf("ask: %d\n%s%s", code, out, errOut)
	}
	code, out, _ = run(t, "what closes this month\nwhich purchases of acme trail the most\nquit\n", nil, "chat", "--db", db)
	if code != 0 || !strings.Contains(out, "I read this as `closing mine`.") || !strings.Contains(out, "I didn't understand") {
		t.Errorf("chat: %d\n%s", code, out)
	}

	var calls atomic.Int32
	model := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.Add(1)
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]any{"id": "1", "object": "chat.completion", "choices": []any{map[string]any{
			"index": 0, "finish_reason": "tool_calls", "message": map[string]any{"role": "assistant", "tool_calls": []any{
				map[string]any{"id": "c1", "type": "function", "function": map[string]any{"name": "gap_account", "arguments": `{"account":"acme"}`}}}}}}})
	}))
	defer model.Close()
	env := map[string]string{"OPENAI_BASE_URL": model.URL + "/v1", "OPENAI_API_KEY": "sk-test"}
	code, out, errOut = run(t, "", env, "ask", "--db", db, "which purchases of acme trail the most")
	if code != 0 || !strings.HasPrefix(out, "· I read this as `gap acme`.") || calls.Load() != 1 {
		t.Errorf("ask with a model: %d, %d calls\n%s%s", code, calls.Load(), out, errOut)
	}
	// The rules answer without asking the model.
	if code, out, _ = run(t, "", env, "ask", "--db", db, "who owes us money?"); code != 0 || calls.Load() != 1 {
		t.Errorf("the model was asked what the rules read: %d calls\n%s", calls.Load(), out)
	}
}
