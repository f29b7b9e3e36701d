FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SCRIBE_DATA_DIR=/data
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
# The code stays root-owned (read-only to the server); only /data belongs to the server's user.
# A volume made by an image that ran as root keeps root's files: chown it once (see README).
RUN pip install --no-cache-dir -e . \
    && useradd --system --uid 10001 --user-group --home-dir /data --no-create-home scribe \
    && mkdir -p /data && chown 10001:10001 /data && chmod 0700 /data
USER 10001:10001
EXPOSE 8000
CMD ["scribe", "serve", "--host", "0.0.0.0", "--port", "8000"]
