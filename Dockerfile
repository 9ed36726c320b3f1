# One image for every Second Brain process; the container's command picks the entry file, e.g.
#   node services/memory/src/main.ts
# There is no build step: Node 24 runs the TypeScript sources directly by type stripping.
FROM node:24-slim

ENV NODE_ENV=production \
    CI=true \
    SB_MODE=distributed \
    PNPM_HOME=/pnpm \
    PATH=/pnpm:$PATH
# The pnpm major the lockfile was written with (see scripts/install-toolchain.sh).
RUN npm install -g --no-fund --no-audit pnpm@12

WORKDIR /app

# Fetch dependencies from the lockfile alone first, so a source change reuses this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
RUN pnpm fetch --prod

COPY . .
RUN pnpm install --offline --frozen-lockfile --prod \
 && chown -R node:node /app

USER node
ENV PORT=3000
EXPOSE 3000
CMD ["node", "gateway/src/main.ts"]
