import { hasLoneCarriageReturn, hasTerminalControls } from "./text-scan";

/**
 * What a terminal finally shows for captured output: colour codes dropped, carriage-return and
 * cursor-movement redraws (npm, pip, cargo and docker progress, test-runner spinners) resolved
 * into their last frame. A line-oriented emulator with unbounded width: rows the output never
 * revisits are copied as they are (their bytes and line endings intact); rows a control sequence
 * touched are rebuilt and lose the blank padding a terminal would not show. Anything it cannot
 * emulate exactly (absolute positioning, screen clears, alternate screen, tabs or wide characters
 * mixed with redraws) makes it fall back to dropping colour codes only, which never changes text.
 */

const CONTROL = /[\x1b\x07\x08]|\r(?!\n)/;
const TOKEN = /\x1b\[([0-?]*)([ -/]*)([@-~])|\x1b\]([^\x07\x1b]*)(\x07|\x1b\\)|\x1b([ -/]*)([0-~])|\x1b|\r|\x08|\x07/g;
const SELECT_GRAPHIC_RENDITION = /\x1b\[[0-9;:]*m/g;
/** Sequences that only style text or toggle invisible modes: colours, the ASCII charset, cursor visibility, bells. */
const STYLE_ONLY = /\x1b\[[0-9;:]*m|\x1b[()]B|\x1b\[\?(?:25|2004|1004)[hl]|\x07/g;
const MOVES_THE_CURSOR = /[\r\x08]|\x1b\[[0-9;]*[ABCDEFGKJX`su]|\x1b[78M]/;
/** Characters whose width is not one column: tabs, combining marks, wide and astral characters. */
const NOT_ONE_COLUMN = /[\t\u0300-\u036f\u1100-\u115f\u200b-\u200f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe00-\ufe0f\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6\ud800-\udfff]/;
/** Private modes that change nothing on screen: cursor keys, autowrap, blink, cursor visibility, mouse and focus reporting, bracketed paste. */
const HARMLESS_PRIVATE_MODES = new Set(["1", "7", "12", "25", "1000", "1002", "1003", "1004", "1005", "1006", "2004"]);
/** Escape sequences without visible effect: keypad modes and selecting the ASCII character set. */
const HARMLESS_ESCAPES = new Set(["=", ">", "(B", ")B"]);

class CannotEmulate extends Error {}

interface Row {
  text: string;
  /** Original line ending while the row is untouched; undefined once a control sequence touched it. */
  ending: string | undefined;
}

/** Renders `body` (complete lines) as a terminal would show it. */
export function renderTerminal(body: string): string {
  if (!hasTerminalControls(body)) return body;
  // Colours alone (the common case: compilers, test runners) move nothing: drop them without emulating.
  if (body.indexOf("\x08") === -1 && !hasLoneCarriageReturn(body)) {
    const stripped = body.replace(STYLE_ONLY, "");
    if (stripped.indexOf("\x1b") === -1) return stripped;
  }
  try {
    return new Screen().render(body);
  } catch (error) {
    if (error instanceof CannotEmulate) return body.replace(SELECT_GRAPHIC_RENDITION, "");
    throw error;
  }
}

class Screen {
  private rows: Row[] = [];
  private row = 0;
  private column = 0;
  private saved = { row: 0, column: 0 };

  render(body: string): string {
    const lines = body.split("\n");
    const endsWithNewline = lines[lines.length - 1] === "";
    if (endsWithNewline) lines.pop();
    lines.forEach((raw, index) => {
      const open = index === lines.length - 1 && !endsWithNewline;
      const crlf = !open && raw.endsWith("\r");
      const line = crlf ? raw.slice(0, -1) : raw;
      if (this.row === this.rows.length && this.column === 0 && !CONTROL.test(line)) {
        this.rows.push({ text: line, ending: open ? "" : crlf ? "\r\n" : "\n" });
      } else {
        this.play(line);
      }
      if (!open) {
        this.row += 1;
        this.column = 0;
      }
    });
    return this.rows
      .map((entry, index) => {
        if (entry.ending !== undefined) return entry.text + entry.ending;
        const text = entry.text.replace(/[ \t]+$/, "");
        return index === this.rows.length - 1 && !endsWithNewline ? text : `${text}\n`;
      })
      .join("");
  }

  private play(line: string): void {
    if (NOT_ONE_COLUMN.test(line) && MOVES_THE_CURSOR.test(line)) throw new CannotEmulate();
    let last = 0;
    for (const match of line.matchAll(TOKEN)) {
      if (match.index > last) this.write(line.slice(last, match.index));
      last = match.index + match[0].length;
      const token = match[0];
      if (token === "\r") this.column = 0;
      else if (token === "\x08") this.column = Math.max(0, this.column - 1);
      else if (token === "\x07") continue;
      else if (match[3] !== undefined) this.controlSequence(match[1]!, match[2]!, match[3]);
      else if (match[4] !== undefined) continue; // OSC: window titles and hyperlinks, whose text stays
      else if (match[7] !== undefined) this.escape(match[6]! + match[7]);
      else throw new CannotEmulate(); // a lone ESC or an unterminated OSC
    }
    if (last < line.length) this.write(line.slice(last));
    this.touch();
  }

  private touch(): Row {
    while (this.rows.length <= this.row) this.rows.push({ text: "", ending: undefined });
    const target = this.rows[this.row]!;
    target.ending = undefined;
    return target;
  }

  private write(text: string): void {
    const target = this.touch();
    if (this.column === target.text.length) {
      target.text += text; // appending, the usual case: no slicing
      this.column += text.length;
      return;
    }
    const padded = target.text.padEnd(this.column, " ");
    target.text = padded.slice(0, this.column) + text + padded.slice(this.column + text.length);
    this.column += text.length;
  }

  private escape(sequence: string): void {
    if (sequence === "7") this.saved = { row: this.row, column: this.column };
    else if (sequence === "8") ({ row: this.row, column: this.column } = this.saved);
    else if (sequence === "M") this.up(1);
    else if (!HARMLESS_ESCAPES.has(sequence)) throw new CannotEmulate();
  }

  private controlSequence(parameters: string, intermediates: string, final: string): void {
    if (intermediates !== "") throw new CannotEmulate();
    if (parameters.startsWith("?")) {
      const harmless = (final === "h" || final === "l") && parameters.slice(1).split(";").every((mode) => HARMLESS_PRIVATE_MODES.has(mode));
      if (harmless) return;
      throw new CannotEmulate();
    }
    if (!/^[0-9;]*$/.test(parameters)) throw new CannotEmulate();
    const first = parameters === "" ? 0 : Number(parameters.split(";")[0]);
    const count = Math.max(1, first);
    switch (final) {
      case "m": // colours and styles
      case "n": // status queries
      case "c": // device attributes
      case "t": // window operations
        return;
      case "K":
        return this.eraseInLine(first);
      case "J": {
        if (first !== 0) throw new CannotEmulate(); // clearing above the cursor or the whole screen
        this.eraseInLine(0);
        this.rows.length = this.row + 1;
        return;
      }
      case "X": {
        const target = this.touch();
        const padded = target.text.padEnd(this.column, " ");
        target.text = (padded.slice(0, this.column) + " ".repeat(count) + padded.slice(this.column + count));
        return;
      }
      case "G":
      case "`":
        this.column = count - 1;
        return;
      case "C":
        this.column += count;
        return;
      case "D":
        this.column = Math.max(0, this.column - count);
        return;
      case "A":
        this.up(count);
        return;
      case "F":
        this.up(count);
        this.column = 0;
        return;
      case "B":
        this.row += count;
        return;
      case "E":
        this.row += count;
        this.column = 0;
        return;
      case "s":
        this.saved = { row: this.row, column: this.column };
        return;
      case "u":
        ({ row: this.row, column: this.column } = this.saved);
        return;
      default:
        throw new CannotEmulate();
    }
  }

  /** Rows above the first one of this text were printed by something we cannot see: no guessing. */
  private up(count: number): void {
    if (count > this.row) throw new CannotEmulate();
    this.row -= count;
  }

  private eraseInLine(mode: number): void {
    const target = this.touch();
    if (mode === 0) target.text = target.text.slice(0, this.column);
    else if (mode === 1) target.text = " ".repeat(this.column + 1) + target.text.slice(this.column + 1);
    else if (mode === 2) target.text = "";
    else throw new CannotEmulate();
  }
}
