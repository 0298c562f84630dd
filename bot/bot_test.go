package bot_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/incumbent/incumbent/bot"
	"github.com/incumbent/incumbent/domain"
)

// fakeStore serves the few reads these tests need from slices; any other method of
// domain.Store panics (its embedded interface is nil). The tests over testdata's
// companies use the in-memory store (testbot_test.go).
type fakeStore struct {
	domain.Store
	territories []domain.Territory
	people      []domain.Person
	accounts    []domain.Account
}

func (s *fakeStore) DataVersion(context.Context) (int64, error) { return 1, nil }

// FindTerritories and FindTerritory return copies, as the real stores do.
func (s *fakeStore) FindTerritories(context.Context) ([]domain.Territory, error) {
	return slices.Clone(s.territories), nil
}
func (s *fakeStore) FindTerritory(_ context.Context, name string) (domain.Territory, error) {
	for _, t := range s.territories {
		if t.Name == name {
			return t, nil
		}
	}
	return domain.Territory{}, domain.Errorf(domain.ENOTFOUND, "no territory %s", name)
}
func (s *fakeStore) FindPerson(_ context.Context, email string) (domain.Person, error) {
	for _, p := range s.people {
		if p.Email == email {
			return p, nil
		}
	}
	return domain.Person{}, domain.Errorf(domain.ENOTFOUND, "no person %s", email)
}
func (s *fakeStore) FindAccounts(_ context.Context, sc domain.Scope) ([]domain.Account, error) {
	var out []domain.Account
	for _, a := range s.accounts {
		if (sc.AccountID == "" || a.ID == sc.AccountID) && (sc.Territory == "" || a.Territory == sc.Territory) {
			out = append(out, a)
		}
	}
	return out, nil
}

// The reads help's examples make: the fake store has no sales, products or offers.
func (s *fakeStore) FindCompetitorOffers(context.Context, domain.Scope) ([]domain.CompetitorOffer, error) {
	return nil, nil
}
func (s *fakeStore) SalesBySKU(context.Context, domain.Scope, []domain.Period) ([]domain.SalesTotal, error) {
	return nil, nil
}
func (s *fakeStore) FindProducts(context.Context) ([]domain.Product, error) { return nil, nil }

func testStore() *fakeStore {
	return &fakeStore{
		territories: []domain.Territory{
			{Name: "Northeast", Manager: "nora@example.com"},
			{Name: "Gulf Coast", Manager: "gus@example.com"},
			{Name: "Great Lakes", Manager: "nora@example.com"},
		},
		people: []domain.Person{
			{Email: "ops@example.com", Name: "Olive", Role: domain.RoleAdmin},
			{Email: "nora@example.com", Name: "Nora", Role: domain.RoleManager, Territory: "Northeast"},
			{Email: "rita@example.com", Name: "Rita", Role: domain.RoleRep, Territory: "Northeast"},
			{Email: "ray@example.com", Name: "Ray", Role: domain.RoleRep, Territory: "Gulf Coast"},
		},
		accounts: []domain.Account{
			{ID: "A0001", Name: "Acme Manufacturing", Territory: "Northeast", Aliases: []string{"acme", "acme mfg"}},
			{ID: "A0002", Name: "Acme Foods", Territory: "Gulf Coast"},
			{ID: "A0003", Name: "Bayou Logistics", Territory: "Gulf Coast"},
			{ID: "A0004", Name: "Bayside Plastics", Territory: "Northeast"},
			{ID: "A0005", Name: "Cornerstone Builders", Territory: "Northeast"},
			{ID: "A0006", Name: "Lakeshore Tool & Die", Territory: "Great Lakes"},
		},
	}
}

func newBot(s domain.Store) *bot.Bot {
	b := bot.New(s)
	b.Now = func() time.Time { return time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC) }
	return b
}

func actor(t *testing.T, b *bot.Bot, email string) bot.Actor {
	t.Helper()
	a, err := b.ActorByEmail(context.Background(), email)
	if err != nil {
		t.Fatalf("ActorByEmail(%s): %v", email, err)
	}
	return a
}

func TestResolveAccount(t *testing.T) {
	b := newBot(testStore())
	admin := bot.Admin("test")
	rita := actor(t, b, "rita@example.com")
	tests := []struct {
		name    string
		as      bot.Actor
		query   string
		wantID  string
		wantErr string // code
		note    bool   // the reply says which account it took
		choices []string
		msg     string // part of the error message
	}{
		{name: "id", as: admin, query: "A0003", wantID: "A0003"},
		{name: "id any case", as: admin, query: "a0003", wantID: "A0003"},
		{name: "exact name", as: admin, query: "bayou logistics", wantID: "A0003"},
		{name: "alias", as: admin, query: "ACME", wantID: "A0001"},
		{name: "alias with spaces", as: admin, query: "acme   mfg", wantID: "A0001"},
		{name: "word prefix", as: admin, query: "corner", wantID: "A0005", note: true},
		{name: "prefixes of two words", as: admin, query: "lake tool", wantID: "A0006", note: true},
		{name: "several prefixes", as: admin, query: "bay", wantErr: domain.EINVALID, choices: []string{"A0003", "A0004"}},
		// Substrings and subsequences are never taken: they are offered.
		{name: "substring", as: admin, query: "stone", wantErr: domain.ENOTFOUND, choices: []string{"A0005"}},
		{name: "fuzzy subsequence", as: admin, query: "crnrstn", wantErr: domain.ENOTFOUND, choices: []string{"A0005"}},
		{name: "typo", as: admin, query: "cornerstome", wantID: "A0005", note: true},
		{name: "nothing close", as: admin, query: "zzzzzz", wantErr: domain.ENOTFOUND, msg: `No account matches "zzzzzz".`},
		{name: "a typo in each word", as: admin, query: "bayoux logistix", wantID: "A0003", note: true},
		{name: "legal form dropped", as: admin, query: "ACME corp.", wantID: "A0001", note: true},
		{name: "empty", as: admin, query: " ", wantErr: domain.EINVALID},
		{name: "rep, own territory", as: rita, query: "acme", wantID: "A0001"},
		// Another territory's account reads as no match, whatever the step that found it.
		{name: "rep, other territory by id", as: rita, query: "A0003", wantErr: domain.ENOTFOUND, msg: `No account matches "A0003"`},
		{name: "rep, other territory by name", as: rita, query: "Acme Foods", wantErr: domain.ENOTFOUND, msg: `No account matches "Acme Foods"`},
		// Prefix matching looks at every account ("bay" could be Bayou Logistics), and
		// offers only what the rep may see.
		{name: "rep, prefix of several", as: rita, query: "bay", wantErr: domain.EINVALID, choices: []string{"A0004"}},
		{name: "rep, no leak in suggestions", as: rita, query: "logistics", wantErr: domain.ENOTFOUND},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := b.Handle(context.Background(), bot.Request{Actor: tt.as, Text: "account " + tt.query})
			if code := domain.ErrorCode(r.Err); code != tt.wantErr {
				t.Fatalf("code = %q (%v), want %q", code, r.Err, tt.wantErr)
			}
			text := bot.RenderText(r)
			if tt.wantErr == "" {
				got := r.Data.(bot.AccountRow).ID
				if got != tt.wantID {
					t.Errorf("resolved to %s, want %s", got, tt.wantID)
				}
				if tt.note != strings.Contains(text, "Taking") {
					t.Errorf("note shown = %v, want %v:\n%s", !tt.note, tt.note, text)
				}
				return
			}
			if tt.msg != "" && !strings.Contains(text, tt.msg) {
				t.Errorf("reply lacks %q:\n%s", tt.msg, text)
			}
			if strings.Contains(text, "Logistics") && tt.as.Person.Role == domain.RoleRep {
				t.Errorf("a rep's reply names another territory's account:\n%s", text)
			}
			var amb *bot.AmbiguousError
			if tt.choices != nil {
				if !errors.As(r.Err, &amb) {
					t.Fatalf("error %v is not ambiguous", r.Err)
				}
				var ids []string
				for _, c := range amb.Choices {
					ids = append(ids, c.AccountID)
				}
				if diff := cmp.Diff(tt.choices, ids); diff != "" {
					t.Errorf("choices (-want +got):\n%s", diff)
				}
				btns := r.Blocks[len(r.Blocks)-1].(*bot.Buttons)
				if got := btns.Buttons[0].Command; got != "account "+tt.choices[0] {
					t.Errorf("first choice runs %q", got)
				}
			}
		})
	}
}

func TestAccessControl(t *testing.T) {
	b := newBot(testStore())
	ctx := context.Background()
	tests := []struct {
		email    string
		text     string
		wantCode string
		wantIDs  []string
	}{
		{"ops@example.com", "accounts", "", []string{"A0002", "A0001", "A0003", "A0004", "A0005", "A0006"}},
		{"nora@example.com", "accounts", "", []string{"A0001", "A0004", "A0005", "A0006"}},
		{"nora@example.com", "accounts great lakes", "", []string{"A0006"}},
		{"nora@example.com", "accounts gulf coast", domain.EFORBIDDEN, nil},
		{"rita@example.com", "accounts", "", []string{"A0001", "A0004", "A0005"}},
		{"rita@example.com", "accounts Great Lakes", domain.EFORBIDDEN, nil},
		{"rita@example.com", "accounts north", "", []string{"A0001", "A0004", "A0005"}},
		{"ray@example.com", "accounts", "", []string{"A0002", "A0003"}},
		{"ray@example.com", "accounts Atlantis", domain.ENOTFOUND, nil},
	}
	for _, tt := range tests {
		t.Run(tt.email+" "+tt.text, func(t *testing.T) {
			r := b.Handle(ctx, bot.Request{Actor: actor(t, b, tt.email), Text: tt.text})
			if code := domain.ErrorCode(r.Err); code != tt.wantCode {
				t.Fatalf("code = %q (%v), want %q", code, r.Err, tt.wantCode)
			}
			if tt.wantCode != "" {
				return
			}
			var ids []string
			for _, a := range r.Data.(bot.AccountList).Accounts {
				ids = append(ids, a.ID)
			}
			if diff := cmp.Diff(tt.wantIDs, ids); diff != "" {
				t.Errorf("accounts (-want +got):\n%s", diff)
			}
		})
	}
	if _, err := b.ActorByEmail(ctx, "stranger@example.com"); domain.ErrorCode(err) != domain.ENOTFOUND ||
		!strings.Contains(domain.ErrorMessage(err), "ask your sales-ops admin") {
		t.Errorf("unknown person: %v", err)
	}
}

func TestGrammar(t *testing.T) {
	b := newBot(testStore())
	tests := []struct {
		text, wantCode, wantText string
	}{
		{"help", "", "accounts [territory]"},
		{"/help account", "", "account <name>"},
		{"HELP", "", "Incumbent"},
		{"acounts", domain.EINVALID, "Did you mean `accounts`?"},
		{"frobnicate", domain.EINVALID, "I didn't understand that."}, // a plain question now (issue 42)
		{"", domain.EINVALID, "try `help`"},
		{"account", domain.EINVALID, "Usage: `account <name>`"},
		{`account "acme mfg"`, "", "Acme Manufacturing (A0001)"},
		{"account “Bayou Logistics”", "", "Bayou Logistics (A0003)"},
		// DESIGN section 5: one command is at most 2,000 characters, for every adapter.
		{"account " + strings.Repeat("x", 1992), domain.ENOTFOUND, "No account"},
		{"account " + strings.Repeat("x", 1993), domain.EINVALID, "That command is 2,001 characters long; the limit is 2,000."},
		{"account " + strings.Repeat("é", 1993), domain.EINVALID, "the limit is 2,000"},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			r := b.Handle(context.Background(), bot.Request{Actor: bot.Admin("t"), Text: tt.text})
			if code := domain.ErrorCode(r.Err); code != tt.wantCode {
				t.Fatalf("code = %q (%v), want %q", code, r.Err, tt.wantCode)
			}
			if got := bot.RenderText(r); !strings.Contains(got, tt.wantText) {
				t.Errorf("reply lacks %q:\n%s", tt.wantText, got)
			}
		})
	}
}

// brokenStore fails every read, as a store whose disk vanished would.
type brokenStore struct{ domain.Store }

func (brokenStore) FindAccount(context.Context, string) (domain.Account, error) {
	return domain.Account{}, errors.New("disk I/O error")
}

func (brokenStore) DataVersion(context.Context) (int64, error) {
	return 0, errors.New("disk I/O error")
}

func TestInternalErrorsAreNotShown(t *testing.T) {
	b := newBot(brokenStore{})
	b.Logger = discardLogger()
	r := b.Handle(context.Background(), bot.Request{Actor: bot.Admin("t"), Text: "account A0001"})
	if domain.ErrorCode(r.Err) != domain.EINTERNAL {
		t.Fatalf("code = %q", domain.ErrorCode(r.Err))
	}
	if got := bot.RenderText(r); strings.Contains(got, "disk") || !strings.Contains(got, "Something went wrong on our side") {
		t.Errorf("reply = %q", got)
	}
}

func (s *fakeStore) FindAccount(_ context.Context, id string) (domain.Account, error) {
	for _, a := range s.accounts {
		if a.ID == id {
			return a, nil
		}
	}
	return domain.Account{}, domain.Errorf(domain.ENOTFOUND, "no account %s", id)
}

func (s *fakeStore) FindAccountsByName(_ context.Context, key string) ([]domain.Account, error) {
	var out []domain.Account
	for _, a := range s.accounts {
		for _, n := range append([]string{a.ID, a.Name}, a.Aliases...) {
			if domain.NameKey(n) == key {
				out = append(out, a)
				break
			}
		}
	}
	return out, nil
}

// mapSessions is a session store in a map.
type mapSessions map[string][]byte

func (m mapSessions) Get(_ context.Context, key string) ([]byte, bool, error) {
	v, ok := m[key]
	return v, ok, nil
}

func (m mapSessions) Set(_ context.Context, key string, value []byte, _ time.Duration) error {
	m[key] = value
	return nil
}

// TestLastAccount checks that a command without an account uses the last one the
// person asked about, says so, and that nothing is remembered across people.
func TestLastAccount(t *testing.T) {
	b := bot.New(testStore())
	b.Sessions = mapSessions{}
	rita, err := b.ActorByEmail(context.Background(), "rita@example.com")
	if err != nil {
		t.Fatal(err)
	}
	r := b.Handle(context.Background(), bot.Request{Actor: rita, Text: "account A0001"})
	if r.Err != nil {
		t.Fatal(r.Err)
	}
	r = b.Handle(context.Background(), bot.Request{Actor: rita, Text: "account"})
	if r.Err == nil {
		t.Fatal("`account` alone is not one of the commands that use the last account")
	}
	ray, _ := b.ActorByEmail(context.Background(), "ray@example.com")
	r = b.Handle(context.Background(), bot.Request{Actor: ray, Text: "grade"})
	if r.Err == nil || !strings.Contains(bot.RenderText(r), "Grade what?") {
		t.Errorf("another person's last account was used:\n%s", bot.RenderText(r))
	}
}

// failingPeople is a store whose people cannot be read while down is set.
type failingPeople struct {
	*fakeStore
	down bool
}

func (s *failingPeople) FindPerson(ctx context.Context, email string) (domain.Person, error) {
	if s.down {
		return domain.Person{}, errors.New("connection refused")
	}
	return s.fakeStore.FindPerson(ctx, email)
}

// TestActorWhileTheStoreFails: a person resolved before the store failed keeps the
// access they had; someone never resolved gets the store's error; someone removed from
// people.csv is not remembered.
func TestActorWhileTheStoreFails(t *testing.T) {
	s := &failingPeople{fakeStore: testStore()}
	b := newBot(s)
	rita := actor(t, b, "Rita@example.com")
	s.down = true
	got, err := b.ActorByEmail(t.Context(), "rita@example.com")
	if err != nil || got.Person.Email != "rita@example.com" || !cmp.Equal(got.Territories(), rita.Territories()) {
		t.Errorf("known person while the store fails: %+v %v", got.Person, err)
	}
	if _, err := b.ActorByEmail(t.Context(), "ray@example.com"); domain.ErrorCode(err) != domain.EINTERNAL {
		t.Errorf("a person never resolved while the store fails: %v", err)
	}
	s.down = false
	s.people = s.people[:2] // Rita leaves people.csv
	if _, err := b.ActorByEmail(t.Context(), "rita@example.com"); domain.ErrorCode(err) != domain.ENOTFOUND {
		t.Fatalf("removed: %v", err)
	}
	s.down = true
	if _, err := b.ActorByEmail(t.Context(), "rita@example.com"); domain.ErrorCode(err) != domain.EINTERNAL {
		t.Errorf("a removed person is remembered: %v", err)
	}
}

// blockingStore holds FindAccount until release is closed.
type blockingStore struct {
	*fakeStore
	entered chan struct{}
	release chan struct{}
}

func (s *blockingStore) FindAccount(_ context.Context, id string) (domain.Account, error) {
	s.wait()
	for _, a := range s.accounts {
		if a.ID == id {
			return a, nil
		}
	}
	return domain.Account{}, domain.Errorf(domain.ENOTFOUND, "no account %s", id)
}

func (s *blockingStore) wait() {
	select {
	case s.entered <- struct{}{}:
	default:
	}
	<-s.release
}

// TestMaxConcurrent: beyond MaxConcurrent commands computing, the next one waits its
// turn, and gives up when its asker does.
func TestMaxConcurrent(t *testing.T) {
	s := &blockingStore{fakeStore: testStore(), entered: make(chan struct{}, 4), release: make(chan struct{})}
	b := newBot(s)
	b.MaxConcurrent = 1
	admin := bot.Admin("test")
	first := make(chan bot.Reply)
	go func() { first <- b.Handle(context.Background(), bot.Request{Actor: admin, Text: "account A0001"}) }()
	<-s.entered // the first command holds the one turn
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	r := b.Handle(ctx, bot.Request{Actor: admin, Text: "account A0004"})
	if r.Err == nil || !errors.Is(r.Err, context.DeadlineExceeded) {
		t.Errorf("a command waiting past its asker's deadline: %v", r.Err)
	}
	if n := len(s.entered); n != 0 {
		t.Error("the second command computed while the first held the only turn")
	}
	close(s.release)
	if r := <-first; r.Err != nil {
		t.Errorf("first: %v", r.Err)
	}
	if r := b.Handle(t.Context(), bot.Request{Actor: admin, Text: "account A0004"}); r.Err != nil {
		t.Errorf("after the turn was given back: %v", r.Err)
	}
}
