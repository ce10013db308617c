/** One door's work on a request body, as a checkout's modules do it (door-work-ab.ts, anthropic-door-work-ab.ts). */
export type DoorWork = (bytes: Uint8Array) => unknown;

/**
 * Times two checkouts' door work on the same bodies, alternated request by request (which side goes
 * first flips every two requests), with 8 MiB of memory swept before each call, as the server's
 * caches are cold between requests; the first sixth warms both up. Prints µs median and
 * eighth-fastest per request for each side.
 */
export async function compareDoorWork(label: string, sides: [DoorWork, DoorWork], sessions: Array<() => string>, requests: number, bytes: string): Promise<void> {
  const sweep = new Uint8Array(8 << 20);
  const times: [number[], number[]] = [[], []];
  for (let index = 0; index < requests; index++) {
    const text = sessions[index % sessions.length]!();
    for (const side of index % 4 < 2 ? [0, 1] : [1, 0]) {
      const body = new TextEncoder().encode(text);
      for (let at = 0; at < sweep.length; at += 64) sweep[at]!++;
      const started = performance.now();
      sides[side]!(body);
      if (index >= requests / 6) times[side]!.push((performance.now() - started) * 1000);
    }
  }
  const at = (values: number[], share: number) => [...values].sort((a, b) => a - b)[Math.floor(values.length * share)]!.toFixed(0);
  const load = (await Bun.file("/proc/loadavg").text()).split(" ").slice(0, 3).join(" ");
  console.log(`~${bytes} bytes, ${requests} requests each: ${label} µs median before ${at(times[0], 0.5)}, after ${at(times[1], 0.5)}; eighth-fastest ${at(times[0], 0.125)}, ${at(times[1], 0.125)} (load ${load})`);
}
