FROM python:3.11-slim
WORKDIR /app
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 SCRIBE_DATA_DIR=/data
COPY pyproject.toml README.md alembic.ini ./
COPY src ./src
COPY migrations ./migrations
RUN pip install --no-cache-dir -e . && mkdir -p /data
EXPOSE 8000
CMD ["scribe", "serve", "--host", "0.0.0.0", "--port", "8000"]
