# totto: a static binary on a minimal, non-root base image. `docker run` starts the GitHub App
# (totto serve) with its configuration at /etc/totto/config.yml (TOTTO_CONFIG); override settings
# with TOTTO_* environment variables and keep the embedded database and logs on the /var/lib/totto
# volume. Base images are named in full (registry included), so no registry mirror or default can
# substitute another image.
FROM docker.io/library/golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# The release's version and commit (.git is not in the build context).
ARG VERSION=dev
ARG COMMIT=unknown
RUN ./scripts/build.sh /out/totto "$VERSION" "$COMMIT" && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/totto /usr/local/bin/totto
COPY config.yml /etc/totto/config.yml
# Every command (serve, healthcheck, check, backup, …) reads this file.
ENV TOTTO_CONFIG=/etc/totto/config.yml
# The working directory holds the embedded SQLite database and the log store of the default
# configuration, so it must belong to the unprivileged user.
COPY --from=build --chown=nonroot:nonroot /out/data /var/lib/totto
WORKDIR /var/lib/totto
VOLUME /var/lib/totto
USER nonroot:nonroot
EXPOSE 8080
# distroless has no shell or curl: totto asks itself, finding the server from the same
# configuration serve reads.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 CMD ["/usr/local/bin/totto", "healthcheck"]
ENTRYPOINT ["/usr/local/bin/totto"]
CMD ["serve"]
