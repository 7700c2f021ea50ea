#!/bin/sh
# Builds the totto binary exactly as the release image does (the Dockerfile runs this script, and
# so does `make build`): static (no cgo), with S3 log storage (the s3 tag), reproducible paths,
# stripped, version and commit stamped.
#
# usage: scripts/build.sh OUTPUT [VERSION] [COMMIT]
# VERSION defaults to $TOTTO_VERSION, else "dev"; COMMIT to $TOTTO_COMMIT, else the checkout's HEAD.
set -eu
out=${1:?usage: scripts/build.sh OUTPUT [VERSION] [COMMIT]}
version=${2:-${TOTTO_VERSION:-dev}}
commit=${3:-${TOTTO_COMMIT:-$(git rev-parse HEAD 2>/dev/null || echo unknown)}}
pkg=github.com/totto-ci/totto/internal/version
CGO_ENABLED=0 exec go build -tags s3 -trimpath -buildvcs=false \
	-ldflags="-s -w -X $pkg.Version=$version -X $pkg.Commit=$commit" -o "$out" ./cmd/totto
