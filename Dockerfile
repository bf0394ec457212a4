# syntax=docker/dockerfile:1
#
# Postern: one image for every app. The default command runs the HTTP API;
# docker-compose.yml overrides the command for the worker and the MTA:
#   node dist/apps/api/src/main.js         HTTP API (port 8080 in production mode)
#   node dist/apps/worker/src/main.js      BullMQ worker (health on 8081)
#   node dist/apps/mta/src/main.js         MTA (SMTP/IMAP; health on 8082)
#   node dist/apps/standalone/src/main.js  all three in one process
#   node dist/apps/cli/src/main.js         CLI
# Every app runs pending migrations at boot under a PostgreSQL advisory lock.

ARG NODE_IMAGE=node:22-bookworm-slim

# --- deps: every dependency, dev included, for the TypeScript build -----------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

# --- build: tsc + tsc-alias into dist/ ------------------------------------------
FROM deps AS build
COPY . .
RUN npm run build

# --- runtime: production dependencies + dist/, non-root -------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    POSTERN_DATA_DIR=/var/lib/postern
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The data directory belongs to the unprivileged `node` user (uid 1000); a named
# volume mounted here starts with this ownership.
RUN mkdir -p /var/lib/postern && chown node:node /var/lib/postern
VOLUME ["/var/lib/postern"]
USER node
# HTTP API, worker health, MTA health, SMTP, submission, submissions, IMAP, IMAPS
# (production-mode defaults). Health checks are defined in docker-compose.yml.
EXPOSE 8080 8081 8082 25 587 465 143 993
# Run node directly (not npm): it receives SIGTERM and shuts down gracefully.
CMD ["node", "dist/apps/api/src/main.js"]
