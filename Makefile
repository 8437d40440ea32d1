# marketsql build. No build tags: the functions register through SQLite's
# extension interface, so plain go build / go test work.
GO    ?= $(shell command -v go 2>/dev/null || echo /usr/local/go/bin/go)
export CGO_ENABLED := 1

.PHONY: all build extension test test-deps demo bench-extension bench-kmeans bench-recommend bench-shell bench-lda bench-interchange bench-clv bench-assoc bench-report fuzz deps clean

all: build

# Debian packages the build and the tests need: a C compiler for SQLite (cgo)
# and the stock sqlite3 CLI, which a test uses to read our files. Installed
# when missing and we are root; otherwise we say what to install.
deps:
	@missing=""; \
	command -v gcc >/dev/null 2>&1 || missing="$$missing gcc libc6-dev"; \
	command -v sqlite3 >/dev/null 2>&1 || missing="$$missing sqlite3"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "please install:$$missing (Debian: sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi
	@test -x "$(GO)" || { echo "Go 1.26 is required (https://go.dev/dl)"; exit 1; }
	@$(GO) mod download

build: deps
	$(GO) build -o bin/marketsql ./cmd/marketsql

# The loadable extension for any SQLite host: sqlite3 '.load ./bin/marketsql',
# Python's load_extension, Node's better-sqlite3 loadExtension.
extension: deps
	$(GO) build -buildmode=c-shared -trimpath -ldflags "-s -w" -o bin/marketsql.so ./extension
	@rm -f bin/marketsql.h

# vet + every test, then a short run of every fuzz target (FUZZTIME_TEST
# each, about a minute and a half in all).
FUZZTIME_TEST ?= 3s
# The report tests open a report in headless Chromium and check Chinese
# words are set in a CJK font: Debian's chromium and fonts-noto-cjk.
test-deps: deps
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	test -e /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc || missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    echo "installing:$$missing"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	  else \
	    echo "please install:$$missing (Debian: sudo apt-get install$$missing)"; exit 1; \
	  fi; \
	fi

test: test-deps
	$(GO) vet ./...
	$(GO) test -count=1 ./...
	GO=$(GO) bash internal/fuzz.sh $(FUZZTIME_TEST)

# Loads the bundled Online Retail data, segments customers and prints the result;
# then recommends products (examples/recommend.sql); ends with report.html,
# a page of every model's card and charts, and prints its path.
demo: build
	@rm -f demo.db demo.db-wal demo.db-shm
	bin/marketsql demo.db ".import --csv testdata/online-retail/online_retail.csv.gz retail_raw"
	bin/marketsql -table demo.db < examples/demo.sql
	bin/marketsql -table demo.db < examples/recommend.sql
	bin/marketsql report demo.db -o report.html

# The extension in the stock sqlite3 and the engine side by side: per-row
# scoring overhead, recommendations for every customer, load time and size.
bench-extension: build extension
	bash bench/extension/run.sh

# Ours and scikit-learn's KMeans side by side on the same data.
bench-kmeans: build
	bash bench/kmeans/run.sh

# Our recommendations and scipy/numpy's side by side on Online Retail (needs
# Debian's python3-scipy and ../shared/peers), plus the MovieLens 100k quality
# table when ../shared/data (or $MARKETSQL_DATA) has it.
bench-recommend: deps
	$(GO) run ./bench/recommend -movielens "$${MARKETSQL_DATA:-../shared/data}/movielens-100k"

# The shell against the stock sqlite3 CLI: printing and importing 500k rows.
bench-shell: build
	bash bench/shell/run.sh

# Ours and gensim's LdaModel side by side on Reuters-21578 (10 and 50 topics, 1 and 5 passes).
bench-lda: build
	bash bench/lda/run.sh

# Serving a model trained elsewhere: a 100k users x 4k items, rank-20 ALS
# model imported from Spark's ALSModel layout, and the top 10 of every user in
# one statement, beside the same model trained here.
bench-interchange: deps
	$(GO) run ./bench/interchange

# Customer value at 1M: clv_train on a summary of 1M customers drawn from the
# BG/NBD process with known parameters (fitted vs true, with standard
# errors), clv_predict over them, rfm over 1M order rows; medians of 3.
bench-clv: deps
	$(GO) run ./bench/clv

# Basket rules beside Weka's FPGrowth (Debian's weka, Java) on Groceries
# (../shared/data or $$MARKETSQL_DATA; skipped when absent) and the bundled
# Online Retail invoices: times, the same frequent itemsets, memory.
bench-assoc: build
	$(GO) run ./bench/assoc

# The HTML report of 20 models of every family, ten of them k-means models
# of a 100,000-row customer table (built first, about 40 s); medians of 5.
bench-report: deps
	$(GO) run ./bench/report

# Every fuzz target of every package for FUZZTIME each, minimization off,
# with a table of executions per target; fails on a crash, whose input Go
# writes to the package's testdata/fuzz/ as a regression seed (commit it).
# FUZZPKG narrows it to some packages: make fuzz FUZZPKG=./shell FUZZTIME=10s
FUZZTIME ?= 60s
FUZZPKG  ?= ./...
fuzz: deps
	GO=$(GO) bash internal/fuzz.sh $(FUZZTIME) $(FUZZPKG)

clean:
	rm -rf bin demo.db demo.db-wal demo.db-shm
