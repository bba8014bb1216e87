# One image for every reference-stack service and the smoke runner (compose/compose.yaml picks the
# service with `command:`). Build from the repo root: docker build -t cleanapp-platform .
FROM node:20-bookworm-slim

# pnpm 10.34.9 through corepack: package.json's packageManager carries the sha512, so corepack skips the
# signature check that fails for this version. COREPACK_HOME is shared by root and node.
ENV COREPACK_HOME=/opt/corepack \
    COREPACK_ENABLE_DOWNLOAD_PROMPT=0 \
    PNPM_HOME=/opt/pnpm \
    CI=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    CLEANAPP_RUNTIME_MODE=container \
    HOST=0.0.0.0
WORKDIR /work
RUN mkdir -p "$COREPACK_HOME" /work/.reports && chown node:node /work /work/.reports && corepack enable pnpm
COPY --chown=node:node package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
RUN corepack install && chmod -R a+rX "$COREPACK_HOME" && pnpm --version

USER node
# Dependencies first (only the lockfile decides this layer), then the sources.
RUN pnpm fetch --frozen-lockfile
COPY --chown=node:node . .
RUN pnpm install --frozen-lockfile --offline

# Every service answers on 0.0.0.0 inside the container; compose sets PORT/HEALTH_PORT and the command.
EXPOSE 8080 8081 8082 4000 8090
CMD ["node", "--import", "tsx", "packages/reference-stack/src/cli.ts", "api"]
