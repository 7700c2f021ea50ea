# totto: a static binary on a minimal, non-root base image.
FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/totto ./cmd/totto

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/totto /usr/local/bin/totto
COPY config.yml /etc/totto/config.yml
WORKDIR /var/lib/totto
USER nonroot:nonroot
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/totto"]
CMD ["scan", "--help"]
