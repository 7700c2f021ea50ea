# totto: a static binary on a minimal, non-root base image. `docker run` starts the GitHub App
# (totto serve) with its configuration at /etc/totto/config.yml; override settings with TOTTO_*
# environment variables and keep the embedded database and logs on the /var/lib/totto volume.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -tags s3 -trimpath -ldflags="-s -w" -o /out/totto ./cmd/totto && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/totto /usr/local/bin/totto
COPY config.yml /etc/totto/config.yml
# The working directory holds the embedded SQLite database and the log store of the default
# configuration, so it must belong to the unprivileged user.
COPY --from=build --chown=nonroot:nonroot /out/data /var/lib/totto
WORKDIR /var/lib/totto
VOLUME /var/lib/totto
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/totto"]
CMD ["serve", "--config", "/etc/totto/config.yml"]
