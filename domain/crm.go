package domain

import "time"

// The CRMs a sync reads (issue 39).
const (
	CRMSalesforce = "salesforce"
	CRMHubSpot    = "hubspot"
)

// CRMAccount is an account as a CRM holds it (a Salesforce Account, a HubSpot company).
// Values are the CRM's, as text: the sync writes them through the import's own checks,
// so a bad value is refused as a CSV cell would be.
type CRMAccount struct {
	CRMID      string // the CRM's id of the record
	AccountID  string // the account_id it is synced under: the account number, else CRMID
	Name       string
	OwnerCRMID string // the owner's CRM id ("" none)
	OwnerEmail string // the owner's email, when the CRM gives it with the account
	Territory  string // the territory field's value; "" when the CRM names none
	Industry   string
	Employees  string // a whole number, or ""
}

// CRMPerson is a CRM user who owns records (a Salesforce User, a HubSpot owner).
type CRMPerson struct {
	CRMID string
	Email string
	Name  string
}

// CRMOpportunity is an opportunity (a HubSpot deal). It is stored under its CRM id as
// opp_id, so a record made in chat and pulled back later is matched, not doubled.
type CRMOpportunity struct {
	CRMID        string
	AccountCRMID string // the CRM id of its account
	// AccountID is the account_id its account is synced under, when the CRM gives it
	// with the opportunity (Salesforce: Account.AccountNumber); else the sync finds it
	// from AccountCRMID.
	AccountID   string
	Name        string
	Amount      string // annual value, a plain decimal, or "" (none: 0)
	Stage       string // "won", "lost", or the open stage's name
	Probability string // 0–1 as text, or "" (the stage's default)
	CloseDate   string // YYYY-MM-DD, or ""
	Category    string // "" when the CRM names none
}

// CRMPull is what one pull read from a CRM: every record when Full, else the records
// changed after the pull's since time (deleted ones by their ids).
type CRMPull struct {
	Full                 bool
	Accounts             []CRMAccount
	People               []CRMPerson
	Opportunities        []CRMOpportunity
	DeletedAccounts      []string // CRM ids
	DeletedOpportunities []string // CRM ids
	// Through is the newest modification time the pull saw (zero: none); the next
	// incremental pull asks for what changed from it on.
	Through time.Time
	// Calls is how many HTTP requests the pull made, retries included.
	Calls int
}

// CRMPlan is an opportunity created from chat ("Plan it" on a gap).
type CRMPlan struct {
	AccountCRMID string // the CRM id of the account
	Name         string
	Amount       float64
	CloseDate    time.Time
	Stage        string // the CRM's stage name (Salesforce StageName, HubSpot dealstage id)
	Category     string // written to the category field when the mapping names one
}

// SyncRun is the outcome of one CRM sync run, kept until the next run and shown in
// /readyz and `sync status`.
type SyncRun struct {
	Started  time.Time `json:"started"`
	Finished time.Time `json:"finished"`
	Full     bool      `json:"full"`
	OK       bool      `json:"ok"`
	// Error says why the run failed (nothing was written); Record names the CRM record
	// and field that failed validation ("Opportunity 0061x…: Amount"), "" when none did.
	Error   string `json:"error,omitempty"`
	Record  string `json:"record,omitempty"`
	Version int64  `json:"version,omitempty"` // the data version the run wrote

	Accounts      int `json:"accounts"`
	People        int `json:"people"`
	Opportunities int `json:"opportunities"`
	Deleted       int `json:"deleted"`
	Skipped       int `json:"skipped"` // opportunities with no category (ours or the CRM's) or no account
	Calls         int `json:"calls"`
}

// SyncState is what a CRM's sync keeps between runs.
type SyncState struct {
	CRM string `json:"crm"`
	// Through is the newest modification the last successful pull saw: the next run
	// pulls what changed from it on; zero: the next run is a full pull.
	Through time.Time `json:"through,omitzero"`
	// Accounts maps the CRM id of each synced account to the account_id it is synced
	// under, so that an opportunity pulled without its account finds it.
	Accounts map[string]string `json:"accounts,omitempty"`
	Last     SyncRun           `json:"last"`
	LastOK   time.Time         `json:"last_ok,omitzero"` // when a run last succeeded
}
