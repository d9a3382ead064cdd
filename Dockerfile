# salescoach: the coach's web service (Slack, Teams, reminders, digests). Build: docker build -t salescoach .
FROM python:3.11.11-slim-bookworm AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
WORKDIR /src
COPY pyproject.toml README.md ./
COPY coach ./coach
COPY bot ./bot
COPY storage ./storage
RUN pip install --no-cache-dir .

FROM python:3.11.11-slim-bookworm
RUN useradd --create-home --uid 10001 --shell /usr/sbin/nologin coach
COPY --from=build /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONUNBUFFERED=1 PORT=3978
USER 10001
WORKDIR /home/coach
EXPOSE 3978
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ.get('PORT', '3978') + '/healthz', timeout=4)"]
# serve migrates the database before it takes traffic; SIGTERM lets in-flight work finish.
ENTRYPOINT ["salescoach"]
CMD ["serve"]
