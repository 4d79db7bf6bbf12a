# Quarry in a container, for Kubernetes Jobs or any CI runner (docs/ci.md). Build from a packed tarball so the
# image holds exactly what `npm install -g` of the package gives a user:
#   npm pack && docker build -t quarry .
#   docker run --rm -e CLAUDE_CODE_USE_BEDROCK=1 -e AWS_REGION -e AWS_ACCESS_KEY_ID -e AWS_SECRET_ACCESS_KEY \
#     -e AWS_SESSION_TOKEN -v "$PWD:/work" quarry -p "explain this repository"
# BASE_IMAGE: any Debian-based image with Node >= 20 on PATH (an internal mirror of node:20-slim, say).
ARG BASE_IMAGE=node:20-slim
FROM ${BASE_IMAGE}

# ripgrep: the Grep tool's fast path; git: repositories and diffs; bubblewrap: the Bash sandbox (it needs user
# namespaces: run with --security-opt seccomp=unconfined or a profile that allows them, else Quarry says so).
RUN apt-get update \
 && apt-get install -y --no-install-recommends ripgrep git bubblewrap ca-certificates \
 && rm -rf /var/lib/apt/lists/*

COPY quarry-*.tgz /tmp/
RUN npm install -g --no-audit --no-fund /tmp/quarry-*.tgz && rm /tmp/quarry-*.tgz && quarry --version

# Not root: the agent edits files and runs commands in /work, nothing else.
RUN useradd --create-home --uid 10001 quarry && mkdir -p /work && chown quarry /work
USER quarry
WORKDIR /work
ENV CLAUDE_CODE_USE_BEDROCK=1 \
    DISABLE_TELEMETRY=1
ENTRYPOINT ["quarry"]
CMD ["--help"]
