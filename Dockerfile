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
WORKDIR /app

# Owned by root and read-only to the service user; only /app/data is writable by it.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/bin ./bin
COPY --from=build /app/config ./config

RUN mkdir -p /app/data && chown node:node /app/data
VOLUME ["/app/data"]

USER node

# The long-running entry (`duban serve`) is not written yet; `npm start` is its stable name.
CMD ["npm", "start"]
