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
EXPOSE 3000
ENTRYPOINT ["claude-proxy"]
