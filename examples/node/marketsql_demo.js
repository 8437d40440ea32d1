#!/usr/bin/env node
// marketsql from Node.js: segments, recommendations and topics on Online
// Retail, with better-sqlite3 and the loadable extension.
//
//   make extension
//   cd examples/node && npm install && node marketsql_demo.js
//
// Options: --extension PATH (default bin/marketsql, without .so, beside
// this checkout; or $MARKETSQL_EXTENSION), --csv PATH (default the bundled
// testdata/online-retail/online_retail.csv.gz), --db PATH (default in
// memory), --rows N (read only the first N rows of the CSV), --json (print
// a machine-readable summary as the last line).
'use strict';

const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const Database = require('better-sqlite3');

const root = path.resolve(__dirname, '..', '..');

function parseArgs(argv) {
  const args = {
    extension: process.env.MARKETSQL_EXTENSION || path.join(root, 'bin', 'marketsql'),
    csv: path.join(root, 'testdata', 'online-retail', 'online_retail.csv.gz'),
    db: ':memory:',
    json: false,
    rows: Infinity,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--json') args.json = true;
    else if (['--extension', '--csv', '--db'].includes(a) && i + 1 < argv.length) args[a.slice(2)] = argv[++i];
    else if (a === '--rows' && i + 1 < argv.length) args.rows = Number(argv[++i]);
    else {
      console.error(`unknown argument ${a}; options: --extension PATH --csv PATH --db PATH --rows N --json`);
      process.exit(2);
    }
  }
  return args;
}

// csvRows yields the records of an RFC 4180 CSV text (quoted fields may
// hold commas, doubled quotes and line breaks).
function* csvRows(text) {
  let row = [], field = '', quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') { field += '"'; i++; } else quoted = false;
      } else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      row.push(field); field = '';
      yield row; row = [];
    } else field += c;
  }
  if (field !== '' || row.length > 0) { row.push(field); yield row; }
}

function printTable(rows) {
  if (rows.length === 0) { console.log('(no rows)'); return; }
  const cols = Object.keys(rows[0]);
  const cell = (v) => (v === null ? '' : String(v));
  const width = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log(cols.map((c, i) => c.padEnd(width[i])).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => cell(r[c]).padEnd(width[i])).join('  '));
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const db = new Database(args.db);
  try {
    db.loadExtension(args.extension);
  } catch (e) {
    console.error(`cannot load the marketsql extension ${args.extension} (build it with make extension): ${e.message}`);
    process.exit(1);
  }
  const sqliteVersion = db.prepare('SELECT sqlite_version() AS v').get().v;
  console.log(`SQLite ${sqliteVersion} (better-sqlite3) with marketsql loaded from ${args.extension}`);

  // The raw CSV into a table, in one transaction.
  const text = zlib.gunzipSync(fs.readFileSync(args.csv)).toString('utf8');
  const rows = csvRows(text);
  const header = rows.next().value;
  db.exec(`CREATE TABLE retail_raw(${header.map((h) => `"${h}"`).join(', ')})`);
  const insert = db.prepare(`INSERT INTO retail_raw VALUES (${header.map(() => '?').join(', ')})`);
  let n = 0;
  db.transaction(() => {
    for (const r of rows) {
      if (n >= args.rows) break;
      if (r.length === header.length) { insert.run(r); n++; }
    }
  })();

  // Clean purchases and RFM per customer, in plain SQL.
  db.exec(`
    CREATE TABLE purchases AS
      SELECT InvoiceNo AS invoice_no, StockCode AS stock_code, trim(Description) AS description,
             CAST(Quantity AS INTEGER) AS quantity, InvoiceDate AS invoice_date,
             CAST(UnitPrice AS REAL) AS unit_price,
             CAST(CAST(NULLIF(CustomerID, '') AS REAL) AS INTEGER) AS customer_id
      FROM retail_raw
      WHERE CustomerID <> '' AND substr(InvoiceNo, 1, 1) <> 'C'
        AND CAST(Quantity AS INTEGER) > 0 AND CAST(UnitPrice AS REAL) > 0
        AND StockCode NOT IN ('POST', 'DOT', 'M', 'm', 'C2', 'D', 'S', 'BANK CHARGES', 'AMAZONFEE', 'CRUK', 'PADS', 'B')
        AND substr(StockCode, 1, 4) <> 'DCGS' AND substr(StockCode, 1, 10) <> 'gift_0001_';
    CREATE TABLE customer_rfm AS
      SELECT customer_id,
             CAST(julianday('2011-12-10') - julianday(date(max(invoice_date))) AS INTEGER) AS recency,
             count(DISTINCT invoice_no) AS frequency,
             round(sum(quantity * unit_price), 2) AS monetary
      FROM purchases GROUP BY customer_id;
    CREATE VIEW rfm_log AS
      SELECT customer_id, ln(recency) AS log_recency, ln(frequency) AS log_frequency, ln(monetary) AS log_monetary
      FROM customer_rfm;`);
  const counts = db.prepare('SELECT count(*) AS lines, count(DISTINCT customer_id) AS customers, count(DISTINCT stock_code) AS products FROM purchases').get();
  console.log(`${n} CSV rows read; ${counts.lines} purchase lines of ${counts.customers} customers and ${counts.products} products`);

  // Segments.
  const k = 4;
  const km = JSON.parse(db.prepare("SELECT kmeans_train('segments', 'rfm_log', json_object('k', ?, 'n_init', 10)) AS s").get(k).s);
  console.log(`\nk-means: ${km.rows} customers in ${km.k} segments, sizes ${JSON.stringify(km.sizes)}, silhouette ${km.silhouette.toFixed(3)}`);
  const scored = db.prepare(`
    SELECT customer_id, kmeans_assign('segments', log_recency, log_frequency, log_monetary) AS segment
    FROM rfm_log`).all();
  db.exec('CREATE TEMP TABLE scored(customer_id INTEGER, segment INTEGER)');
  const put = db.prepare('INSERT INTO scored VALUES (?, ?)');
  db.transaction(() => { for (const s of scored) put.run(s.customer_id, s.segment); })();
  printTable(db.prepare(`
    SELECT s.segment, count(*) AS customers, round(avg(r.recency), 1) AS avg_recency_days,
           round(avg(r.frequency), 1) AS avg_orders, round(avg(r.monetary), 1) AS avg_spend
    FROM scored s JOIN customer_rfm r USING (customer_id) GROUP BY s.segment ORDER BY s.segment`).all());

  // Recommendations.
  const customer = 17850;
  const rec = JSON.parse(db.prepare(`SELECT recommend_train('recs', 'SELECT customer_id, stock_code FROM purchases', '{"method": "item_knn"}') AS s`).get().s);
  console.log(`\nrecommendations: ${rec.users} customers, ${rec.items} products, ${rec.interactions} purchases`);
  const top = db.prepare(`
    SELECT r.rank, r.item AS stock_code, round(r.score, 3) AS score, r.reason,
           (SELECT description FROM purchases p WHERE p.stock_code = r.item LIMIT 1) AS description
    FROM recommend('recs', ?, 5) r ORDER BY r.rank`).all(customer);
  console.log(`top 5 for customer ${customer}:`);
  printTable(top);
  const known = db.prepare('SELECT count(*) AS n FROM purchases WHERE stock_code = ?');
  const bought = db.prepare('SELECT count(*) AS n FROM purchases WHERE stock_code = ? AND customer_id = ?');

  // Topics.
  const lda = JSON.parse(db.prepare(`
    SELECT lda_train('interests',
      'SELECT customer_id, group_concat(description, ''. '') FROM (SELECT DISTINCT customer_id, description FROM purchases) GROUP BY customer_id',
      '{"topics": 5, "passes": 2, "seed": 1}') AS s`).get().s);
  console.log(`\nLDA: ${lda.docs} customers, ${lda.vocabulary} words, perplexity ${lda.perplexity.toFixed(1)}`);
  const topics = db.prepare(`
    SELECT topic, group_concat(word, ' ') AS words
    FROM (SELECT topic, word FROM lda_topics('interests', 6) ORDER BY topic, rank)
    GROUP BY topic ORDER BY topic`).all();
  printTable(topics);

  if (args.json) {
    const segs = [...new Set(scored.map((s) => s.segment))].filter((s) => s !== null).sort((a, b) => a - b);
    console.log(JSON.stringify({
      sqlite_version: sqliteVersion,
      customers: counts.customers,
      scored: scored.length,
      scored_null: scored.filter((s) => s.segment === null).length,
      k,
      segments: segs,
      segment_sizes: segs.map((g) => scored.filter((s) => s.segment === g).length),
      trained_sizes: km.sizes,
      recommended: top.map((r) => r.stock_code),
      recommended_known: top.every((r) => known.get(r.stock_code).n > 0),
      recommended_already_bought: top.filter((r) => bought.get(r.stock_code, customer).n > 0).length,
      topics: topics.length,
      topic_words: Object.fromEntries(topics.map((t) => [t.topic, t.words.split(' ')])),
    }));
  }
  db.close();
}

main();
