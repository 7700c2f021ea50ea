# The README's test command is `make test`; .ci/run calls exactly that.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 10s

.PHONY: test vet lint unit fuzz bench build release-check reliability

# The release build: the Dockerfile runs the same script, so CI builds exactly the image's binary
# (internal/release's test checks both call it, and builds and runs it).
build:
	./scripts/build.sh bin/totto

# Builds the release binary with scripts/build.sh and checks it reports its stamped version (slow:
# -trimpath rebuilds every dependency; not part of `make test`).
release-check:
	TOTTO_RELEASE_BUILD=1 $(GO) test -count=1 -run TestReleaseBuild -timeout 30m ./internal/release

test: vet lint unit fuzz

vet:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }
	$(GO) vet ./...

lint:
	$(GO) run $(STATICCHECK) ./...

unit:
	$(GO) test -race -count=1 ./...

# A short run of every fuzz target (go test -fuzz takes one target per invocation).
fuzz:
	@./scripts/fuzz-all.sh $(FUZZTIME)

bench:
	$(GO) test -run '^$$' -bench . -benchmem ./...

# The reliability suite (load and faults against real `totto serve` processes; see
# docs/reliability.md). Quick by default; FULL=1 runs 60 s load stages and longer fault runs.
# Not part of `make test`.
reliability:
	FULL=$(if $(filter 1 yes true,$(FULL)),1,0) ./bench/reliability/run.sh
