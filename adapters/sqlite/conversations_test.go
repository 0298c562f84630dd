package sqlite_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/domain"
)

func TestConversationStore(t *testing.T) {
	ctx := t.Context()
	s, _ := open(t)
	if _, err := s.FindConversation(ctx, "teams", "user:u1"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("nothing saved yet: %v", err)
	}
	if err := s.SaveConversation(ctx, domain.Conversation{Adapter: "teams"}); domain.ErrorCode(err) != domain.EINVALID {
		t.Fatalf("no key: %v", err)
	}
	v, err := s.DataVersion(ctx)
	if err != nil {
		t.Fatal(err)
	}
	first := domain.Conversation{Adapter: "teams", Key: "user:u1", Ref: []byte(`{"conversationId":"a"}`),
		UpdatedAt: time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)}
	second := first
	second.Ref, second.UpdatedAt = []byte(`{"conversationId":"b"}`), first.UpdatedAt.Add(time.Hour)
	other := domain.Conversation{Adapter: "teams", Key: "channel:19:x@thread.tacv2", Ref: []byte(`{}`), UpdatedAt: first.UpdatedAt}
	for _, c := range []domain.Conversation{first, second, other} {
		if err := s.SaveConversation(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	for _, want := range []domain.Conversation{second, other} {
		got, err := s.FindConversation(ctx, want.Adapter, want.Key)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-saved +read):\n%s", want.Key, diff)
		}
	}
	if _, err := s.FindConversation(ctx, "slack", "user:u1"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Errorf("another adapter's key: %v", err)
	}
	if v2, _ := s.DataVersion(ctx); v2 != v {
		t.Errorf("data version %d → %d: conversations are not data the figures read", v, v2)
	}
}
