// Package retail reads the Online Retail data set into the user×item
// matrices and the leave-last-basket-out split that the recommendation
// tests and benchmarks use. The rules are those of
// ../shared/peers/recsys_prep.py, reproduced bit for bit:
//
//  1. customers with a CustomerID, invoices not starting with 'C',
//     Quantity > 0, and not the non-product stock codes (POST, DOT, M, m,
//     C2, D, S, BANK CHARGES, AMAZONFEE, CRUK, PADS, B, DCGS*, gift_0001_*);
//  2. R[user, item] = summed Quantity; users sorted numerically, items by
//     byte order;
//  3. a basket is (customer, invoice); a user's last basket is the one with
//     the greatest (latest InvoiceDate of its rows, InvoiceNo); for users
//     with at least 2 baskets it is held out, every other row is training;
//  4. the relevant items of an evaluated user are those of the held-out
//     basket the user did not buy in training (users with none are not
//     evaluated).
package retail

import (
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/seed-a084b42d/marketsql/algorithms/recommend"
	"github.com/seed-a084b42d/marketsql/internal/datasets"
)

// Row is one kept purchase line.
type Row struct {
	User    int64
	Item    string
	Invoice string
	Date    string
	Qty     int64
}

// Split is the prepared data.
type Split struct {
	Rows        []Row
	Users       []int64  // index → CustomerID
	Items       []string // index → StockCode
	Full, Train *recommend.CSR
	Held        []bool                 // per row: in a held-out basket
	Relevant    map[int]map[int32]bool // user index → new items of the last basket
}

var nonProduct = map[string]bool{"POST": true, "DOT": true, "M": true, "m": true, "C2": true, "D": true, "S": true,
	"BANK CHARGES": true, "AMAZONFEE": true, "CRUK": true, "PADS": true, "B": true}

// Load reads online_retail.csv.gz at path.
func Load(path string) (*Split, error) {
	r, err := datasets.OpenCSV(path)
	if err != nil {
		return nil, err
	}
	defer r.Close()
	r.ReuseRecord = true
	col := r.Column
	s := &Split{}
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		cust, inv, code := rec[col["CustomerID"]], rec[col["InvoiceNo"]], rec[col["StockCode"]]
		q, err := strconv.ParseInt(rec[col["Quantity"]], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("quantity %q: %w", rec[col["Quantity"]], err)
		}
		if cust == "" || strings.HasPrefix(inv, "C") || q <= 0 || nonProduct[code] ||
			strings.HasPrefix(code, "DCGS") || strings.HasPrefix(code, "gift_0001_") {
			continue
		}
		cf, err := strconv.ParseFloat(cust, 64)
		if err != nil {
			return nil, err
		}
		s.Rows = append(s.Rows, Row{User: int64(cf), Item: strings.Clone(code), Invoice: strings.Clone(inv),
			Date: strings.Clone(rec[col["InvoiceDate"]]), Qty: q})
	}
	uset, iset := map[int64]int{}, map[string]int{}
	for _, x := range s.Rows {
		uset[x.User] = 0
		iset[x.Item] = 0
	}
	for u := range uset {
		s.Users = append(s.Users, u)
	}
	for i := range iset {
		s.Items = append(s.Items, i)
	}
	sort.Slice(s.Users, func(a, b int) bool { return s.Users[a] < s.Users[b] })
	sort.Strings(s.Items) // Go compares strings bytewise
	for k, u := range s.Users {
		uset[u] = k
	}
	for k, i := range s.Items {
		iset[i] = k
	}
	type basket struct {
		user    int64
		invoice string
	}
	last := map[basket]string{}
	for _, x := range s.Rows {
		b := basket{x.User, x.Invoice}
		if x.Date > last[b] {
			last[b] = x.Date
		}
	}
	type lastB struct {
		date, invoice string
		n             int
	}
	best := map[int64]*lastB{}
	for b, d := range last {
		l := best[b.user]
		if l == nil {
			best[b.user] = &lastB{d, b.invoice, 1}
			continue
		}
		l.n++
		if d > l.date || d == l.date && b.invoice > l.invoice {
			l.date, l.invoice = d, b.invoice
		}
	}
	nu, ni := len(s.Users), len(s.Items)
	var fr, fc, tr, tc []int32
	var fv, tv []float64
	s.Held = make([]bool, len(s.Rows))
	for k, x := range s.Rows {
		u, i := int32(uset[x.User]), int32(iset[x.Item])
		fr, fc, fv = append(fr, u), append(fc, i), append(fv, float64(x.Qty))
		if l := best[x.User]; l.n >= 2 && l.invoice == x.Invoice {
			s.Held[k] = true
			continue
		}
		tr, tc, tv = append(tr, u), append(tc, i), append(tv, float64(x.Qty))
	}
	s.Full = recommend.NewCSR(nu, ni, fr, fc, fv)
	s.Train = recommend.NewCSR(nu, ni, tr, tc, tv)
	s.Relevant = map[int]map[int32]bool{}
	for k, x := range s.Rows {
		if !s.Held[k] {
			continue
		}
		u, i := uset[x.User], int32(iset[x.Item])
		is, _ := s.Train.Row(u)
		j := sort.Search(len(is), func(m int) bool { return is[m] >= i })
		if j < len(is) && is[j] == i {
			continue
		}
		if s.Relevant[u] == nil {
			s.Relevant[u] = map[int32]bool{}
		}
		s.Relevant[u][i] = true
	}
	return s, nil
}
