package bot_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

func TestErrorText(t *testing.T) {
	down := errors.New("dial tcp: connection refused")
	tests := []struct {
		name string
		err  error
		want bot.ErrorJSON
	}{
		{"nil", nil, bot.ErrorJSON{}},
		{"invalid", domain.Errorf(domain.EINVALID, "No such month."), bot.ErrorJSON{Code: domain.EINVALID, Message: "No such month."}},
		{"wrapped", fmt.Errorf("gap: %w", domain.Errorf(domain.ENOTFOUND, "No account Zed.")), bot.ErrorJSON{Code: domain.ENOTFOUND, Message: "No account Zed."}},
		{"forbidden as it is", domain.Errorf(domain.EFORBIDDEN, "Not here."), bot.ErrorJSON{Code: domain.EFORBIDDEN, Message: "Not here."}},
		{"internal: details stay in the log", down, bot.ErrorJSON{Code: domain.EINTERNAL, Message: bot.Apology}},
		{"internal domain error", domain.Errorf(domain.EINTERNAL, "pq: relation missing"), bot.ErrorJSON{Code: domain.EINTERNAL, Message: bot.Apology}},
		{"unavailable says what", bot.Unavailable("Slack did not answer.", down), bot.ErrorJSON{Code: domain.EINTERNAL, Message: "Slack did not answer."}},
		{"unavailable wrapped", fmt.Errorf("ask: %w", bot.Unavailable("Slack did not answer.", down)), bot.ErrorJSON{Code: domain.EINTERNAL, Message: "Slack did not answer."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := bot.ErrorJSON{Code: domain.ErrorCode(tt.err), Message: bot.ErrorText(tt.err)}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("ErrorText (-want +got):\n%s", diff)
			}
			if tt.err == nil {
				return
			}
			if diff := cmp.Diff(tt.want, bot.NewErrorJSON(tt.err)); diff != "" {
				t.Errorf("NewErrorJSON (-want +got):\n%s", diff)
			}
			r := bot.ErrorReply(tt.err)
			if got := bot.RenderText(r); got != tt.want.Message+"\n" || r.Err != tt.err {
				t.Errorf("ErrorReply renders %q, Err %v", got, r.Err)
			}
		})
	}
	if u := bot.Unavailable("Slack did not answer.", down); !errors.Is(u, down) {
		t.Errorf("Unavailable does not wrap its cause: %v", u)
	}
}
