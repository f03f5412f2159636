# The strikegraph API; docker-compose.yml runs it beside the official Neo4j image.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY api ./api
COPY schema ./schema
COPY seed ./seed
RUN pip install --no-cache-dir .
ENV STRIKEGRAPH_HOST=0.0.0.0 STRIKEGRAPH_PORT=8000 STRIKEGRAPH_ENVIRONMENT=production
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=5 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/readyz')"
CMD ["strikegraph", "serve"]
