# Pacer: Slack app for outsourced sales reps.
#   docker build -t pacer .
#   docker run --env-file .env -v pacer-data:/data -p 3000:3000 pacer
# The SQLite database lives in the /data volume (DATABASE_URL below).

# ---- builder: install the project and its dependencies into /opt/venv ----
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY migrations ./migrations
RUN pip install --no-cache-dir .

# ---- runtime ----
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DATABASE_URL=sqlite:////data/pacer.db \
    HOST=0.0.0.0 \
    PORT=3000 \
    PACER_MIGRATIONS_DIR=/app/migrations \
    MPLCONFIGDIR=/tmp/matplotlib

RUN groupadd --gid 10001 pacer \
    && useradd --uid 10001 --gid 10001 --no-create-home --home-dir /app \
       --shell /usr/sbin/nologin pacer \
    && mkdir -p /data \
    && chown pacer:pacer /data

COPY --from=builder /opt/venv /opt/venv

WORKDIR /app
# A non-editable install does not ship migrations/, so keep them beside the app.
COPY alembic.ini /app/
COPY migrations /app/migrations

# Ownership is set above, before VOLUME, so a new volume starts owned by pacer.
VOLUME ["/data"]
EXPOSE 3000
USER pacer

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD python -c "import os,urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '3000'), timeout=3)" || exit 1

ENTRYPOINT ["pacer"]
CMD ["run"]
