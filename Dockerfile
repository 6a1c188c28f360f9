# Gingham in a container: `docker compose up` (compose.yaml) runs it on PostgreSQL; alone, it keeps
# SQLite in the /data volume. The entrypoint waits for the database, migrates, then runs
# `gingham serve` (or the command given, e.g. worker). Management commands reach the running
# server: `docker compose exec gingham gingham client create --name NAME`.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    GINGHAM_DATA_DIR=/data \
    GINGHAM_HOST=0.0.0.0 \
    GINGHAM_PORT=8765 \
    GINGHAM_BANK_PORT=8766

WORKDIR /app
COPY pyproject.toml README.md ./
COPY gingham ./gingham
RUN pip install . \
    && useradd --system --home-dir /data --create-home gingham \
    && chmod 0700 /data
COPY docker/entrypoint.sh /usr/local/bin/gingham-entrypoint

USER gingham
VOLUME ["/data"]
# The API, and the sandbox OAuth bank (a separate origin, as a real bank is).
EXPOSE 8765 8766
ENTRYPOINT ["gingham-entrypoint"]
CMD ["serve"]
