# Pacer: Slack app for outsourced sales reps.
#   docker build -t pacer .
#   docker run --env-file .env -v pacer-data:/data -p 3000:3000 pacer
# The SQLite database lives in the /data volume (DATABASE_URL below).
#
# Supply chain: both stages use one base image pinned by digest, and every Python package is installed
# from requirements.lock with --require-hashes (`make lock` makes it from pyproject.toml).
# - The base is python:3.11.16-slim-bookworm, its multi-platform OCI index as published on 2026-09-19
#   (Debian snapshot 2026-09-18; linux/amd64, arm64, arm/v7, 386, ppc64le), as recorded by the Docker
#   Official Images' repo-info. Its Python minor (3.11) must stay the one requirements.lock is made for
#   (LOCK_PYTHON in the Makefile; a test checks).
# - To take a newer build: `docker buildx imagetools inspect python:3.11-slim-bookworm` prints the tag's
#   current version and index digest ("Digest: sha256:…"); put tag and digest in both FROM lines, and the
#   date here.

# ---- builder: install the dependencies, then the project, into /opt/venv ----
FROM python:3.11.16-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1

RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH

WORKDIR /src
# Dependencies first (a layer of their own): only the pinned files whose hashes match are installed.
COPY requirements.lock ./
RUN pip install --no-cache-dir --require-hashes -r requirements.lock
# Then Pacer itself, built with the setuptools just installed from the lock and adding nothing else.
COPY pyproject.toml README.md alembic.ini ./
COPY bot ./bot
COPY migrations ./migrations
RUN pip install --no-cache-dir --no-deps --no-build-isolation .

# ---- runtime ----
FROM python:3.11.16-slim-bookworm@sha256:a36c24f9cbdf4fd0f52d67f0823eeac19c2028c637cecc392d97f980d4fec56b

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PATH=/opt/venv/bin:$PATH \
    DATABASE_URL=sqlite:////data/pacer.db \
    HOST=0.0.0.0 \
    PORT=3000 \
    PACER_MIGRATIONS_DIR=/app/migrations \
    MPLCONFIGDIR=/tmp/matplotlib

# A CJK font for the digest chart's Chinese labels (5 MB; Apache-2.0 or GPL-3+ with the font exception),
# pinned to bookworm's version.
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei=0.2.0-beta-3.1 \
    && rm -rf /var/lib/apt/lists/*

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
