# Phasegate API and worker image. One image serves both roles; docker-compose.yml picks the
# role with `command` (npm run api | npm run worker).
#
# Debian slim rather than Alpine: @temporalio/core-bridge ships prebuilt glibc binaries, and
# esbuild/swc (used by tsx and the Temporal workflow bundler) pick their glibc builds too.
# The exact Node release is pinned so a rebuild cannot silently change the runtime;
# package.json requires node >= 20.19.
FROM node:20.19.5-bookworm-slim

# npm is only the process launcher at runtime: no update check against the registry.
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false

WORKDIR /app

# Dependencies first, so a source-only change reuses this layer. tsx is a runtime dependency
# (the TypeScript sources run directly), so --omit=dev keeps everything the app needs.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# The sources stay owned by root and only readable by the `node` user below: a compromised
# process cannot rewrite the code it runs. Each folder is its own COPY because
# `COPY a b ./` would flatten the folders' contents into /app.
COPY tsconfig.json ./
COPY domain ./domain
COPY scoring ./scoring
COPY workflows ./workflows
COPY activities ./activities
COPY db ./db
COPY api ./api
COPY runtime ./runtime
COPY bin ./bin
# The `phasegate` command's JavaScript bundle, built here while node_modules is still writable (the
# `node` user cannot write it), so the command starts without compiling TypeScript.
RUN node bin/cli-bundle.mjs

# Unprivileged user that the official Node image provides (uid 1000).
USER node

EXPOSE 3000

# Default role: the HTTP API (it runs the SQL migrations at start, under an advisory lock).
# The compose healthcheck probes /readyz, so no HEALTHCHECK here.
CMD ["npm", "run", "api"]
