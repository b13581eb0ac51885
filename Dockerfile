# syntax=docker/dockerfile:1
# TrustLens image: `trustlens serve` (the default: the API, the web console, the scheduler and, alone, the
# syncs) or, on PostgreSQL, `serve --no-worker` next to any number of `trustlens worker` (compose.yaml).
# Multi-stage: `build` compiles the web console with the dev dependencies; `deps` installs the production
# dependencies only; the final image holds those, the sources, the built console and the CLI's esbuild
# bundle, and runs as the unprivileged `node` user (uid 1000). No secret is baked in: the master key, the
# database password and TRUSTLENS_INIT_* come at run time from the environment or from *_FILE secret
# files (docker/entrypoint.sh). See docs/deploy.md.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY src ./src
COPY web ./web
RUN npm run build:web

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=8080 \
    TRUSTLENS_DATA_DIR=/data
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json ./
COPY bin ./bin
COPY scripts/cli-bundle.mjs ./scripts/cli-bundle.mjs
COPY scripts/build-pglite-template.ts ./scripts/build-pglite-template.ts
COPY src ./src
COPY --from=build /app/web/dist ./web/dist
COPY docker/entrypoint.sh /usr/local/bin/trustlens-entrypoint
# The CLI bundle is built here, as root, for these exact sources (bin/trustlens finds it by their sizes and
# times); the app folder stays read-only to the runtime user, which only writes /data. So is the template
# a new embedded data folder is copied from (dist/pglite-template: PGlite's initdb and the migrations, run
# once here instead of at the first start, where initdb took ~25 s and ~850 MB; src/store/pglite-template.ts),
# made readable to the runtime user (a data folder copied from it is made private again: folders 0700,
# files 0600). /data is the runtime user's own, 0700: it holds master.key and the database.
RUN chmod 0755 /usr/local/bin/trustlens-entrypoint \
 && node --input-type=module -e "const { cliBundle } = await import('/app/scripts/cli-bundle.mjs'); if (!(await cliBundle())) process.exit(1);" \
 && node --import tsx scripts/build-pglite-template.ts \
 && chmod -R a+rX dist/pglite-template \
 && node bin/trustlens --version \
 && mkdir -p /data \
 && chown 1000:1000 /data \
 && chmod 0700 /data
USER 1000:1000
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["/usr/local/bin/trustlens-entrypoint"]
CMD ["serve"]
