import { describe, expect, test } from "bun:test";
import { renderTerminal } from "../../src/compression/render-terminal";

describe("renderTerminal", () => {
  test("a carriage-return progress line becomes its last frame", () => {
    expect(renderTerminal("Downloading  10%\rDownloading  55%\rDownloading 100%\nDone\n")).toBe("Downloading 100%\nDone\n");
  });

  test("a shorter frame leaves the end of the longer one visible, as a terminal does", () => {
    expect(renderTerminal("abcdef\rXY\n")).toBe("XYcdef\n");
  });

  test("erase-in-line clears what the shorter frame did not cover", () => {
    expect(renderTerminal("Compiling serde v1.0.200\r\x1b[KBuilding\n")).toBe("Building\n");
    expect(renderTerminal("abcdef\r\x1b[2Kxy\n")).toBe("xy\n");
  });

  test("colour codes go and the text stays", () => {
    expect(renderTerminal("\x1b[1m\x1b[31mFAIL\x1b[39m\x1b[22m src/a.test.ts\n")).toBe("FAIL src/a.test.ts\n");
  });

  test("a cursor-up redraw (docker buildkit) keeps only the final frame", () => {
    const output = [
      "[+] Building 0.1s (1/3)",
      " => [internal] load build definition 0.0s",
      " => [1/2] FROM node:22 0.1s",
      "\x1b[3A\x1b[0G\x1b[2K[+] Building 2.4s (3/3) FINISHED",
      "\x1b[2K => [internal] load build definition 0.0s",
      "\x1b[2K => [1/2] FROM node:22 2.3s",
      "",
    ].join("\n");
    expect(renderTerminal(output)).toBe("[+] Building 2.4s (3/3) FINISHED\n => [internal] load build definition 0.0s\n => [1/2] FROM node:22 2.3s\n");
  });

  test("a spinner redrawn with backspaces shows its last character", () => {
    expect(renderTerminal("Resolving |\b/\b-\b\\\bdone\n")).toBe("Resolving done\n");
  });

  test("rows no control sequence touched keep their bytes, trailing spaces and CRLF included", () => {
    expect(renderTerminal("    keep   \r\nprogress 1\rprogress 2\r\n")).toBe("    keep   \r\nprogress 2\n");
  });

  test("hyperlinks and window titles vanish, their visible text stays", () => {
    expect(renderTerminal("\x1b]0;npm test\x07see \x1b]8;;https://example.test/x\x1b\\the docs\x1b]8;;\x1b\\\n")).toBe("see the docs\n");
  });

  test("what it cannot emulate exactly (clear screen) keeps the text and only drops colours", () => {
    expect(renderTerminal("\x1b[2J\x1b[Hframe 1\r\x1b[32mframe 2\x1b[0m\n")).toBe("\x1b[2J\x1b[Hframe 1\rframe 2\n");
  });

  test("tabs or wide characters mixed with redraws fall back too (their columns are not one each)", () => {
    expect(renderTerminal("a\tb\rc\n")).toBe("a\tb\rc\n");
    expect(renderTerminal("进度 50%\r进度 100%\n")).toBe("进度 50%\r进度 100%\n");
  });

  test("text without controls is returned as the same string", () => {
    const text = "plain   \r\nlines\n";
    expect(renderTerminal(text)).toBe(text);
  });

  test("output without a final newline stays without one", () => {
    expect(renderTerminal("50%\r100%")).toBe("100%");
  });
});
