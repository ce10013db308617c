import { describe, expect, test } from "bun:test";
import { ThoughtSignatureStore } from "../../src/providers/gemini/thought-signature-store";

describe("ThoughtSignatureStore", () => {
  test("forgets the oldest signature past its limit", () => {
    const store = new ThoughtSignatureStore(3);
    for (const id of ["a", "b", "c", "d"]) store.remember(id, `sig-${id}`);
    expect(store.recall("a")).toBeUndefined();
    expect(["b", "c", "d"].map((id) => store.recall(id))).toEqual(["sig-b", "sig-c", "sig-d"]);
  });

  test("a signature remembered again counts as the newest", () => {
    const store = new ThoughtSignatureStore(3);
    for (const id of ["a", "b", "c"]) store.remember(id, `sig-${id}`);
    store.remember("a", "sig-a2");
    store.remember("d", "sig-d");
    store.remember("e", "sig-e");
    expect(store.recall("b")).toBeUndefined();
    expect(store.recall("c")).toBeUndefined();
    expect(["a", "d", "e"].map((id) => store.recall(id))).toEqual(["sig-a2", "sig-d", "sig-e"]);
  });

  test("held at its limit through many turns, it keeps exactly the newest", () => {
    const store = new ThoughtSignatureStore(100);
    for (let index = 0; index < 5_000; index++) store.remember(`call-${index}`, `sig-${index}`);
    expect(store.recall("call-4899")).toBeUndefined();
    expect(store.recall("call-4900")).toBe("sig-4900");
    expect(store.recall("call-4999")).toBe("sig-4999");
  });
});
