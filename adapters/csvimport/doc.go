// Package csvimport reads the CSV exports of DESIGN section 2 (territories, people,
// accounts, products, sales, potentials, opportunities, invoices, commitments, RFQs,
// competitor offers, objectives), or a customer's own exports through a Mapping, checks
// every rule, and writes them to a Store in one transaction, or not at all.
package csvimport
