# syntax=docker/dockerfile:1
#
# duban service image. Build: docker build -t duban .   (or: docker compose build)
#
# Two stages: `build` has the compiler toolchain (better-sqlite3 is compiled from source) and the
# dev dependencies (TypeScript); `runtime` has only production node_modules and compiled output.

ARG NODE_IMAGE=node:20-bookworm-slim

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*

# Compile native addons against the headers that ship in the Node image (/usr/local/include/node)
# instead of downloading prebuilt binaries or headers from outside the npm registry.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

# Dependencies first, so this layer is reused while only the sources change. --ignore-scripts
# because package.json's `prepare` builds the sources, which are not copied yet; `npm rebuild`
# then runs the dependencies' own install scripts (the better-sqlite3 compile) but not ours.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts && npm rebuild

COPY . .
RUN npm run build \
 && npm prune --omit=dev \
 && mkdir -p config

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    npm_config_update_notifier=false

# The converters the service runs on attachments (README: "Files that cannot be read" and
# "Deployment with Docker"):
#   libreoffice-calc-nogui, libreoffice-writer-nogui  LibreOffice headless (soffice): legacy .xls,
#       WPS .et, .doc and .wps are converted in a sandbox (private profile, time and memory
#       limits). Without it those files are answered "please save as .xlsx".
#   libarchive-tools                                  bsdtar: .7z and .rar attachments.
#   tini                                              PID 1: forwards SIGTERM to node, reaps
#       LibreOffice's children.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libreoffice-calc-nogui libreoffice-writer-nogui libarchive-tools tini \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Owned by root and read-only to the service user; only /app/data is writable by it.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/config ./config
# The console's stylesheet, served from the source tree (src/adapters/web/server.ts).
COPY --from=build /app/src/adapters/web/assets ./src/adapters/web/assets

# `duban <command>` on the PATH, for `docker compose exec app duban status --week …`.
RUN ln -s /app/bin/duban.js /usr/local/bin/duban \
 && mkdir -p /app/data \
 && chown node:node /app/data
VOLUME ["/app/data"]

# The service runs as the image's unprivileged `node` user. LibreOffice needs a writable HOME
# (each conversion also gets a private profile under the temporary directory).
USER node
ENV HOME=/home/node

# `duban serve` with every role (what `npm start` runs): it checks the environment, migrates the
# database (creating its tables on first start), then watches the mailbox and sends the answers.
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "dist/workers/all.js"]
