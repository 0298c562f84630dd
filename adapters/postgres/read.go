package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/incumbent/incumbent/domain"
)

// query runs q and returns its rows as read by scan. what names the records in errors.
func query[T any](ctx context.Context, s *Store, what string, scan func(pgx.Row) (T, error), q string, args ...any) ([]T, error) {
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("postgres: find %s: %w", what, err)
	}
	defer rows.Close()
	var out []T
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: find %s: %w", what, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: find %s: %w", what, err)
	}
	return out, nil
}

// queryOne runs q and returns its one row as read by scan, or an ENOTFOUND error
// saying notFoundMsg when there is none.
func queryOne[T any](ctx context.Context, s *Store, what string, scan func(pgx.Row) (T, error), notFoundMsg, q string, args ...any) (T, error) {
	v, err := scan(s.pool.QueryRow(ctx, q, args...))
	if err != nil {
		if err = notFound(err, notFoundMsg); domain.ErrorCode(err) == domain.ENOTFOUND {
			return v, err
		}
		return v, fmt.Errorf("postgres: find %s: %w", what, err)
	}
	return v, nil
}

// scopeWhere returns the condition restricting the column col, an account_id, to the
// accounts of scope sc (TRUE for all accounts), with its parameter numbered n. An
// AccountID wins over a Territory.
func scopeWhere(sc domain.Scope, col string, n int) (string, []any) {
	switch {
	case sc.AccountID != "":
		return fmt.Sprintf("%s = $%d", col, n), []any{sc.AccountID}
	case sc.Territory != "":
		return fmt.Sprintf("%s IN (SELECT account_id FROM accounts WHERE territory = $%d)", col, n), []any{sc.Territory}
	}
	return "TRUE", nil
}

// date returns the date d points to, zero when nil (NULL).
func date(d *time.Time) time.Time {
	if d == nil {
		return time.Time{}
	}
	return domain.Day(*d)
}

const selectTerritory = `SELECT name, manager, digest_channel, timezone, digest_day, digest_hour FROM territories`

func scanTerritory(r pgx.Row) (domain.Territory, error) {
	var t domain.Territory
	var day int
	err := r.Scan(&t.Name, &t.Manager, &t.DigestChannel, &t.Timezone, &day, &t.DigestHour)
	t.DigestDay = time.Weekday(day)
	return t, err
}

// FindTerritories returns every territory, by name.
func (s *Store) FindTerritories(ctx context.Context) ([]domain.Territory, error) {
	return query(ctx, s, "territories", scanTerritory, selectTerritory+` ORDER BY name`)
}

// FindTerritory returns the territory named name.
func (s *Store) FindTerritory(ctx context.Context, name string) (domain.Territory, error) {
	return queryOne(ctx, s, "territory", scanTerritory,
		fmt.Sprintf("There is no territory %q.", name),
		selectTerritory+` WHERE name = $1`, name)
}

const selectPerson = `SELECT email, name, role, territory, slack_user_id, teams_user_id FROM people`

func scanPerson(r pgx.Row) (domain.Person, error) {
	var p domain.Person
	var role string
	err := r.Scan(&p.Email, &p.Name, &role, &p.Territory, &p.SlackUserID, &p.TeamsUserID)
	p.Role = domain.Role(role)
	return p, err
}

// FindPeople returns every person, by email.
func (s *Store) FindPeople(ctx context.Context) ([]domain.Person, error) {
	return query(ctx, s, "people", scanPerson, selectPerson+` ORDER BY email`)
}

// FindPerson returns the person with the email.
func (s *Store) FindPerson(ctx context.Context, email string) (domain.Person, error) {
	return queryOne(ctx, s, "person", scanPerson,
		fmt.Sprintf("There is no person with the email %q.", email),
		selectPerson+` WHERE email = $1`, email)
}

const selectAccount = `SELECT account_id, name, territory, owner, industry, aliases, payment_terms_days, employees FROM accounts`

func scanAccount(r pgx.Row) (domain.Account, error) {
	var a domain.Account
	var aliases string
	err := r.Scan(&a.ID, &a.Name, &a.Territory, &a.Owner, &a.Industry, &aliases, &a.PaymentTermsDays, &a.Employees)
	if aliases != "" {
		a.Aliases = strings.Split(aliases, ";")
	}
	return a, err
}

// FindAccounts returns the accounts of the scope, by id.
func (s *Store) FindAccounts(ctx context.Context, sc domain.Scope) ([]domain.Account, error) {
	where, args := "", []any(nil)
	switch {
	case sc.AccountID != "":
		where, args = ` WHERE account_id = $1`, []any{sc.AccountID}
	case sc.Territory != "":
		where, args = ` WHERE territory = $1`, []any{sc.Territory}
	}
	return query(ctx, s, "accounts", scanAccount, selectAccount+where+` ORDER BY account_id`, args...)
}

// FindAccount returns the account with the id.
func (s *Store) FindAccount(ctx context.Context, id string) (domain.Account, error) {
	return queryOne(ctx, s, "account", scanAccount,
		fmt.Sprintf("There is no account with the id %q.", id),
		selectAccount+` WHERE account_id = $1`, id)
}

// FindAccountsByName returns the accounts whose id, name or an alias has the name key
// key (see domain.NameKey), by id.
func (s *Store) FindAccountsByName(ctx context.Context, key string) ([]domain.Account, error) {
	return query(ctx, s, "accounts", scanAccount, selectAccount+
		` WHERE account_id IN (SELECT account_id FROM account_names WHERE name_key = $1) ORDER BY account_id`, key)
}

const selectProduct = `SELECT sku, name, category, list_price, unit_cost, uses_per_unit, unit_of_use FROM products`

func scanProduct(r pgx.Row) (domain.Product, error) {
	var p domain.Product
	err := r.Scan(&p.SKU, &p.Name, &p.Category, &p.ListPrice, &p.UnitCost, &p.UsesPerUnit, &p.UnitOfUse)
	return p, err
}

// FindProducts returns every product, by SKU.
func (s *Store) FindProducts(ctx context.Context) ([]domain.Product, error) {
	return query(ctx, s, "products", scanProduct, selectProduct+` ORDER BY sku`)
}

// FindPotentials returns the potentials of the scope's accounts, by account and category.
func (s *Store) FindPotentials(ctx context.Context, sc domain.Scope) ([]domain.Potential, error) {
	where, args := scopeWhere(sc, "account_id", 1)
	return query(ctx, s, "potentials", func(r pgx.Row) (domain.Potential, error) {
		var p domain.Potential
		var setAt string
		err := r.Scan(&p.AccountID, &p.Category, &p.AnnualPotential, &p.Competitor, &p.Note, &p.SetBy, &setAt)
		if err != nil || setAt == "" {
			return p, err
		}
		p.SetAt, err = time.Parse(time.RFC3339Nano, setAt)
		return p, err
	}, `SELECT account_id, category, annual_potential, competitor, note, set_by, set_at FROM potentials WHERE `+
		where+` ORDER BY account_id, category`, args...)
}

// FindOpportunities returns the opportunities of the scope's accounts, by id.
func (s *Store) FindOpportunities(ctx context.Context, sc domain.Scope) ([]domain.Opportunity, error) {
	where, args := scopeWhere(sc, "account_id", 1)
	return query(ctx, s, "opportunities", func(r pgx.Row) (domain.Opportunity, error) {
		var o domain.Opportunity
		var closeDate *time.Time
		err := r.Scan(&o.ID, &o.AccountID, &o.Category, &o.Name, &o.Value, &o.Stage,
			&o.Probability, &closeDate, &o.Competitor, &o.NextStep)
		o.CloseDate = date(closeDate)
		return o, err
	}, `SELECT opp_id, account_id, category, name, value, stage, probability, close_date,
		competitor, next_step FROM opportunities WHERE `+where+` ORDER BY opp_id`, args...)
}

// FindInvoices returns the invoices of the scope's accounts, by id.
func (s *Store) FindInvoices(ctx context.Context, sc domain.Scope) ([]domain.Invoice, error) {
	where, args := scopeWhere(sc, "account_id", 1)
	return s.findInvoices(ctx, where, args)
}

// FindOverdueInvoices returns the scope's invoices open at asOf and more than
// minDaysLate days past due, by id.
func (s *Store) FindOverdueInvoices(ctx context.Context, sc domain.Scope, asOf time.Time, minDaysLate int) ([]domain.Invoice, error) {
	where, args := scopeWhere(sc, "account_id", 1)
	n := len(args)
	where += fmt.Sprintf(` AND invoice_date <= $%d AND due_date < $%d AND (paid_date IS NULL OR paid_date > $%d)`, n+1, n+2, n+1)
	args = append(args, domain.Day(asOf), domain.Day(asOf.AddDate(0, 0, -minDaysLate)))
	return s.findInvoices(ctx, where, args)
}

func (s *Store) findInvoices(ctx context.Context, where string, args []any) ([]domain.Invoice, error) {
	return query(ctx, s, "invoices", func(r pgx.Row) (domain.Invoice, error) {
		var i domain.Invoice
		var paid *time.Time
		err := r.Scan(&i.ID, &i.AccountID, &i.InvoiceDate, &i.DueDate, &i.Amount, &paid)
		i.PaidDate = date(paid)
		return i, err
	}, `SELECT invoice_id, account_id, invoice_date, due_date, amount, paid_date FROM invoices WHERE `+
		where+` ORDER BY invoice_id`, args...)
}

// FindCommitments returns the commitments of the scope's accounts, by account, SKU and
// period.
func (s *Store) FindCommitments(ctx context.Context, sc domain.Scope) ([]domain.Commitment, error) {
	where, args := scopeWhere(sc, "account_id", 1)
	return query(ctx, s, "commitments", func(r pgx.Row) (domain.Commitment, error) {
		var c domain.Commitment
		var period string
		err := r.Scan(&c.AccountID, &c.SKU, &period, &c.CommittedQty)
		if err != nil {
			return c, err
		}
		c.Period, err = domain.ParseMonth(period)
		return c, err
	}, `SELECT account_id, sku, period, committed_qty FROM commitments WHERE `+
		where+` ORDER BY account_id, sku, period`, args...)
}

// FindRFQs returns the RFQs of the scope's accounts, by id.
func (s *Store) FindRFQs(ctx context.Context, sc domain.Scope) ([]domain.RFQ, error) {
	where, args := scopeWhere(sc, "account_id", 1)
	return query(ctx, s, "RFQs", func(r pgx.Row) (domain.RFQ, error) {
		var q domain.RFQ
		var outcome string
		err := r.Scan(&q.ID, &q.AccountID, &q.Date, &q.Category, &q.Value, &outcome)
		q.Outcome = domain.RFQOutcome(outcome)
		return q, err
	}, `SELECT rfq_id, account_id, date, category, value, outcome FROM rfqs WHERE `+
		where+` ORDER BY rfq_id`, args...)
}

// FindCompetitorOffers returns the offers made to the scope's accounts and every
// market-wide offer, by competitor, SKU and account (market-wide first).
func (s *Store) FindCompetitorOffers(ctx context.Context, sc domain.Scope) ([]domain.CompetitorOffer, error) {
	where, args := scopeWhere(sc, "account_id", 1)
	if where != "TRUE" {
		where += ` OR account_id = ''`
	}
	return query(ctx, s, "competitor offers", func(r pgx.Row) (domain.CompetitorOffer, error) {
		var o domain.CompetitorOffer
		var setAt string
		err := r.Scan(&o.Competitor, &o.SKU, &o.AccountID, &o.CompetitorProduct, &o.Price,
			&o.UsesPerUnit, &o.ChangeCost, &o.Weaknesses, &o.SetBy, &setAt)
		if err == nil && setAt != "" {
			o.SetAt, err = time.Parse(time.RFC3339Nano, setAt)
		}
		return o, err
	}, `SELECT competitor, sku, account_id, competitor_product, price, uses_per_unit,
		change_cost, weaknesses, set_by, set_at FROM competitor_offers WHERE `+where+
		` ORDER BY competitor, sku, account_id`, args...)
}

// FindObjectives returns the objectives of the year, by scope and key.
func (s *Store) FindObjectives(ctx context.Context, year int) ([]domain.Objective, error) {
	return query(ctx, s, "objectives", func(r pgx.Row) (domain.Objective, error) {
		var o domain.Objective
		var scope, setAt string
		err := r.Scan(&scope, &o.Key, &o.Year, &o.RevenueTarget, &o.GPTarget, &o.SetBy, &setAt)
		o.Scope = domain.ObjectiveScope(scope)
		if err != nil || setAt == "" {
			return o, err
		}
		o.SetAt, err = time.Parse(time.RFC3339Nano, setAt)
		return o, err
	}, `SELECT scope, key, year, revenue_target, gp_target, set_by, set_at FROM objectives
		WHERE year = $1 ORDER BY scope, key`, year)
}

// SalesDates returns the dates of the first and last sales line, zero when there is none.
func (s *Store) SalesDates(ctx context.Context) (first, last time.Time, err error) {
	var lo, hi *int64
	if err := s.pool.QueryRow(ctx, `SELECT sales_first, sales_last FROM meta`).Scan(&lo, &hi); err != nil {
		return time.Time{}, time.Time{}, fmt.Errorf("postgres: sales dates: %w", err)
	}
	if lo == nil || hi == nil {
		return time.Time{}, time.Time{}, nil
	}
	return fromDayNumber(*lo), fromDayNumber(*hi), nil
}
