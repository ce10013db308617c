import { expect, test } from "bun:test";
import { isUnpricedCustomModel } from "../../src/config-custom-prices";
import { isLoopbackHost } from "../../src/security/host-names";

/**
 * A URL's hostname is normalized by the WHATWG parser: an IPv4-mapped loopback address written
 * `[::ffff:127.0.0.1]` reads `[::ffff:7f00:1]`. Both forms are this machine.
 */
test("an IPv4-mapped loopback address is loopback in the form a URL gives it", () => {
  for (const url of ["http://[::ffff:127.0.0.1]:1234/v1", "http://[::ffff:127.1.2.3]/", "http://[::FFFF:7F00:1]/"]) {
    expect(isLoopbackHost(new URL(url).hostname)).toBe(true);
  }
  expect(isLoopbackHost("::ffff:127.0.0.1")).toBe(true);
  for (const url of ["http://[::ffff:8.8.8.8]/", "http://[::ffff:7f00]/", "http://[::7f00:1]/"]) {
    expect(isLoopbackHost(new URL(url).hostname)).toBe(false);
  }
});

test("a CUSTOM_PROVIDERS server on an IPv4-mapped loopback address is on this machine: free without a price", () => {
  expect(isUnpricedCustomModel("http://[::ffff:127.0.0.1]:1234/v1", {})).toBe(false);
  expect(isUnpricedCustomModel("http://[::ffff:8.8.8.8]:1234/v1", {})).toBe(true);
});
