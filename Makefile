# The README's test command is `make test`; .ci/run calls exactly that.
GO ?= go
STATICCHECK ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
FUZZTIME ?= 4s
# The release build's settings (scripts/build.sh, which the Dockerfile runs): static, paths trimmed.
# CI's stages without -race (which needs cgo) compile with them too, so the release binary, and the
# one TestBinaryFaults kills, reuse the packages vet, staticcheck and the tests compiled instead of
# rebuilding every dependency for -trimpath.
STATIC := CGO_ENABLED=0 GOFLAGS="-trimpath $(shell $(GO) env GOFLAGS)"

.PHONY: quick test fmt vet lint unit race single long s3 fuzz bench build release-check reliability

# The release build: the Dockerfile runs the same script, so CI builds exactly the image's binary
# (internal/release's test checks both call it, and builds and runs it).
build:
	./scripts/build.sh bin/totto

# Builds the release binary with scripts/build.sh and checks it reports its stamped version. In
# `make test` it runs after the s3 stage, so only the s3 variants of totto's own packages and the
# link are left to do; alone on a cold cache it rebuilds every dependency for -trimpath (minutes).
release-check:
	TOTTO_RELEASE_BUILD=1 $(STATIC) $(GO) test -count=1 -run TestReleaseBuild -timeout 30m ./internal/release

# The inner loop: formatting, vet and every test in -short mode (corpus sweeps thinned, the built
# binary's kill -9 runs skipped). Unchanged packages come from the test cache. It keeps Go's
# default settings, so it shares its compiled packages with a plain `go test`.
quick: fmt
	$(GO) vet ./...
	$(GO) test -short ./...

# CI. Every check runs once: the suite in -short mode, under -race wherever a test binary runs
# more than one goroutine, then the tests that do more without -short (corpus sweeps, the binary
# under kill -9) in full, without -race, which would only multiply the time of single-goroutine
# sweeps.
test: vet lint unit s3 release-check fuzz

unit: race single long

race:
	$(GO) test -race -short -count=1 $$(./scripts/single-goroutine.sh --others)

# The packages whose test binaries start no goroutine (scripts/single-goroutine.sh finds them and
# says why): a data race needs two, so -race would only slow them down about tenfold.
single:
	$(STATIC) $(GO) test -short -count=1 $$(./scripts/single-goroutine.sh)

# The tests that check testing.Short() (directly or through a helper), in full; the rest of their
# packages already ran in the race or single pass. scripts/long-tests.sh finds them.
long:
	$(STATIC) $(GO) test -count=1 $$(./scripts/long-tests.sh)

# Object storage in S3 is behind the s3 build tag (it brings the AWS SDK); build and test it too,
# with the release's settings (the release binary has the tag).
s3:
	$(STATIC) $(GO) vet -tags s3 ./store/blob/
	$(STATIC) $(GO) test -tags s3 -count=1 ./store/blob/

fmt:
	@test -z "$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go'))" || { echo "gofmt needed:"; gofmt -l .; exit 1; }

vet: fmt
	$(STATIC) $(GO) vet ./...

lint:
	$(STATIC) $(GO) run $(STATICCHECK) ./...

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
