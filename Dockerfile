# The proxy on the official Bun image; used by `docker compose --profile proxy up`. Untested here
# (docker cannot run on the development machine).
FROM oven/bun:1.4.5 AS build
WORKDIR /app
COPY package.json bun.lock ./
RUN bun install --frozen-lockfile --production
COPY . .
RUN bun build --compile --minify src/index.ts --outfile /app/claude-proxy

FROM debian:bookworm-slim
COPY --from=build /app/claude-proxy /usr/local/bin/claude-proxy
WORKDIR /data
ENV HOST=0.0.0.0 PORT=3000 DATA_DIR=/data
# The runtime settings `bun run start` sets (package.json, README "Memory"): JavaScriptCore reads them
# from the environment before any code runs, so the executable cannot set them for itself.
ENV BUN_JSC_forceRAMSize=134217728 BUN_JSC_smallHeapGrowthFactor=1.5 BUN_JSC_mediumHeapGrowthFactor=1.6 BUN_JSC_largeHeapGrowthFactor=1.6 \
    BUN_JSC_useFTLJIT=false BUN_CONFIG_MAX_HTTP_REQUESTS=4096 MIMALLOC_PURGE_DELAY=1000
EXPOSE 3000
ENTRYPOINT ["claude-proxy"]
