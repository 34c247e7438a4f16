# syntax=docker/dockerfile:1
# The neo4j-hooks image: the compiled hook service on Node.js LTS, run as the unprivileged "node"
# user. Build: docker build -t ghcr.io/neo4j-hooks/neo4j-hooks:0.1.0 .
# .ci/image-check reproduces the runtime stage's layout without a Docker engine and smoke-tests it.
ARG NODE_IMAGE=node:24-bookworm-slim

# --- build: compile TypeScript (tsc is a dev dependency) ---
FROM ${NODE_IMAGE} AS build
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: the "prepare" script would run tsc before the sources are copied; the build
# runs explicitly below. Kept as its own layer so source changes do not reinstall.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY tsconfig.json ./
COPY lib ./lib
COPY hooks ./hooks
RUN npm run build

# --- runtime: production dependencies and the compiled output only ---
FROM ${NODE_IMAGE}
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
# --ignore-scripts: "prepare" would build, and tsc is not installed here (--omit=dev).
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The image's "node" user (uid 1000), numeric so Kubernetes can verify runAsNonRoot.
USER 1000:1000
EXPOSE 8080
ENV PORT=8080
ENTRYPOINT ["node", "dist/hooks/cli.js"]
CMD ["serve"]
