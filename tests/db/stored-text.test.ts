import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { eq } from "drizzle-orm";
import type { DatabaseHandle } from "../../src/db/client";
import { findLatestTaskForSession, findRequestLog, insertFeedback, listFeedbackForTask } from "../../src/db/queries";
import { RequestLogWriter } from "../../src/db/request-log-writer";
import { feedback } from "../../src/db/schema";
import { MAX_STORED_TEXT, storedText, storedValue } from "../../src/db/stored-text";
import { capturingLogger } from "../helpers/capturing-logger";
import { deleteLogRows, makeLogRow } from "../helpers/request-log-rows";
import { databaseTargets } from "../helpers/test-database";

/**
 * Text PostgreSQL would refuse (a NUL, half an emoji) is made storable instead of costing the row:
 * on PGlite and on the real PostgreSQL server, in text columns and in jsonb strings alike.
 */
const EMOJI = "\u{1F600}";
const HIGH = EMOJI[0]!;
const LOW = EMOJI[1]!;

describe("storedText", () => {
  test("strips NUL", () => {
    expect(storedText("gpt\u0000-4o\u0000")).toBe("gpt-4o");
  });

  test("replaces lone surrogates with U+FFFD and keeps whole ones", () => {
    expect(storedText(`a${HIGH}b${LOW}c${EMOJI}`)).toBe(`a\uFFFDb\uFFFDc${EMOJI}`);
    expect(storedText(`end${HIGH}`)).toBe("end\uFFFD");
  });

  test("cuts on a character boundary: an emoji across the limit goes whole", () => {
    const text = `${"a".repeat(9)}${EMOJI}`;
    expect(storedText(text, 10)).toBe("a".repeat(9));
    expect(storedText(text, 11)).toBe(text);
    expect(storedText("a".repeat(MAX_STORED_TEXT + 5))).toHaveLength(MAX_STORED_TEXT);
  });

  test("storedValue reaches every string of a JSON value, keys included", () => {
    expect(storedValue({ ["k\u0000ey"]: [`x${LOW}`, 1, null, { deep: "\u0000" }] })).toEqual({ key: ["x\uFFFD", 1, null, { deep: "" }] });
    const date = new Date();
    expect(storedValue(date)).toBe(date);
  });
});

for (const target of databaseTargets) {
  describe.skipIf(target.skip)(`rows with odd text are stored on ${target.name}`, () => {
    let handle: DatabaseHandle;
    const created: string[] = [];

    beforeAll(async () => {
      handle = await target.open();
    });

    afterAll(async () => {
      await deleteLogRows(handle.db, created);
      for (const taskId of created) await handle.db.delete(feedback).where(eq(feedback.taskId, taskId));
      if (!target.shared) await handle.close();
    });

    test("NUL and lone surrogates in any text column or jsonb string; text cut inside an emoji", async () => {
      const { lines, logger } = capturingLogger();
      const writer = new RequestLogWriter(handle.db, { flushIntervalMs: 3_600_000, logger });
      const cutUser = `user:${"a".repeat(194)}${EMOJI}${EMOJI}`.slice(0, 200);
      const row = makeLogRow({
        requestedModel: `gpt\u0000-4o${HIGH}`,
        model: `${LOW}mini`,
        userAgent: "agent\u0000/1.0",
        sessionKey: cutUser,
        errorMessage: `${"x".repeat(MAX_STORED_TEXT - 1)}${EMOJI}`,
        routeReason: "\u0000",
        candidates: ["openai:gpt\u0000", `a${HIGH}`],
        attempts: [{ provider: "openai", model: "m\u0000", error: `boom ${LOW}` }],
      });
      const plain = makeLogRow();
      created.push(row.taskId, plain.taskId);
      writer.record(row);
      writer.record(plain);
      await writer.close();
      expect(writer.status()).toMatchObject({ written: 2, refused: 0, pending: 0 });
      expect(lines).toEqual([]);
      expect(await findRequestLog(handle.db, row.taskId)).toMatchObject({
        requestedModel: "gpt-4o\uFFFD",
        model: "\uFFFDmini",
        userAgent: "agent/1.0",
        sessionKey: `user:${"a".repeat(194)}\uFFFD`,
        errorMessage: "x".repeat(MAX_STORED_TEXT - 1),
        routeReason: "",
        candidates: ["openai:gpt", "a\uFFFD"],
        attempts: [{ provider: "openai", model: "m", error: "boom \uFFFD" }],
      });
    });

    test("a feedback comment with NUL and half an emoji; a session lookup with a NUL", async () => {
      const taskId = crypto.randomUUID();
      created.push(taskId);
      await insertFeedback(handle.db, { id: crypto.randomUUID(), taskId, createdAt: new Date(), rating: 1, comment: `nice\u0000 ${HIGH}`, source: "api" });
      expect((await listFeedbackForTask(handle.db, taskId)).map((row) => row.comment)).toEqual(["nice \uFFFD"]);
      expect(await findLatestTaskForSession(handle.db, "user:\u0000nobody")).toBeUndefined();
    });
  });
}
