# The reverse proxy (deploy/Caddyfile): Debian's caddy, the same package the tests run in front of
# gunicorn (tests/operations/test_reverse_proxy.py), with Debian's security updates.
FROM debian:bookworm-slim

RUN apt-get update \
    && apt-get install -y --no-install-recommends caddy ca-certificates \
    && rm -rf /var/lib/apt/lists/*

# Certificates and the proxy's own authority in /data (a volume: kept across restarts).
ENV XDG_DATA_HOME=/data XDG_CONFIG_HOME=/config
COPY deploy/Caddyfile /etc/caddy/Caddyfile
EXPOSE 80 443
CMD ["caddy", "run", "--config", "/etc/caddy/Caddyfile", "--adapter", "caddyfile"]
