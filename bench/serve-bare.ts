import { forwardToUpstream } from "./bare-forward";
import { announce, onParentGone } from "./child-ready";

/**
 * The baseline: a bare Bun pass-through that forwards the body to the upstream with fetch and
 * returns the upstream's Response as-is. Whatever the proxy costs is measured against this.
 */
const upstreamOrigin = process.env.BENCH_UPSTREAM_ORIGIN;
if (!upstreamOrigin) throw new Error("BENCH_UPSTREAM_ORIGIN is not set");

const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  idleTimeout: 255,
  async fetch(request) {
    return forwardToUpstream(upstreamOrigin, request, await request.arrayBuffer());
  },
});

announce({ port: server.port });
onParentGone(() => server.stop(true));
