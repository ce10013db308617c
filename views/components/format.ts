/** Number and time formatting shared by every view (en-US style, the server's time zone). */

export function formatUsd(value: number): string {
  const absolute = Math.abs(value);
  const sign = value < 0 ? "−" : "";
  if (absolute === 0) return "$0";
  if (absolute < 0.01) return `${sign}$${twoFigures(absolute)}`;
  if (absolute < 1000) return `${sign}$${absolute.toFixed(2)}`;
  return `${sign}$${Math.round(absolute).toLocaleString("en-US")}`;
}

/** Short form for chart axes: $0, $0.05, $1.2, $35, $1.2k. */
export function formatUsdShort(value: number): string {
  const absolute = Math.abs(value);
  if (absolute === 0) return "$0";
  if (absolute >= 1000) return `$${trim(value / 1000)}k`;
  if (absolute >= 1) return `$${trim(value)}`;
  // Trailing zeros off, as on every other tick ($0.05, not $0.050).
  return `${value < 0 ? "−" : ""}$${twoFigures(absolute).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "")}`;
}

/**
 * Two significant figures in plain decimals (0.000070, 0.00000045): toPrecision writes numbers
 * under 1e-6 in exponent form (4.5e-7), which reads as noise on a money figure.
 */
function twoFigures(absolute: number): string {
  const text = absolute.toPrecision(2);
  if (!text.includes("e")) return text;
  return absolute.toFixed(Math.min(100, 1 - Math.floor(Math.log10(absolute))));
}

export function formatCount(value: number): string {
  const absolute = Math.abs(value);
  if (absolute >= 1_000_000) return `${trim(value / 1_000_000)}M`;
  if (absolute >= 10_000) return `${trim(value / 1000)}k`;
  return Math.round(value).toLocaleString("en-US");
}

export function formatMs(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return "—";
  if (value < 10) return `${trim(value)} ms`;
  if (value < 1000) return `${Math.round(value)} ms`;
  if (value < 60_000) return `${trim(value / 1000)} s`;
  return `${trim(value / 60_000)} min`;
}

export function formatPercent(part: number, whole: number): string {
  if (whole <= 0) return "—";
  const percent = (part / whole) * 100;
  const shown = percent >= 10 || percent <= -10 ? String(Math.round(percent)) : trim(percent);
  // Only the whole may read 100% and only nothing 0% ("$1.56 saved (100%)" was 99.6%): near
  // either end a share shows one decimal, or says it is just short of (or past) it.
  if (shown === "100" && part !== whole) {
    const decimal = Number(percent.toFixed(1));
    if (percent < 100) return decimal < 100 ? `${decimal}%` : ">99.9%";
    return decimal > 100 ? `${decimal}%` : "<100.1%";
  }
  if (shown === "0" && part !== 0) return percent > 0 ? "<0.1%" : ">−0.1%";
  return `${shown}%`;
}

const pad = (value: number) => String(value).padStart(2, "0");

/** The zone every time here is shown in (the process's own, e.g. TZ=Europe/Berlin), named on each page. */
export function serverTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone;
}

export function formatDateTime(date: Date): string {
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

/** A table's time cell: the time alone for today, the date and minute otherwise. */
export function formatWhen(date: Date, now: Date): string {
  const sameDay = date.getFullYear() === now.getFullYear() && date.getMonth() === now.getMonth() && date.getDate() === now.getDate();
  return sameDay ? formatTime(date) : `${months[date.getMonth()]} ${date.getDate()} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}

export function formatTime(date: Date): string {
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}

const weekdays = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** Label of a chart bucket: the hour for hourly buckets, else the day (and hour when not midnight). */
export function formatBucket(start: Date, stepMs: number): string {
  if (stepMs >= 86_400_000) return `${months[start.getMonth()]} ${start.getDate()}`;
  if (stepMs > 3_600_000 && start.getHours() === 0) return `${weekdays[start.getDay()]} ${start.getDate()}`;
  return `${pad(start.getHours())}:00`;
}

/** Full description of a bucket for hover titles: "Mar 4 14:00–15:00". */
export function formatBucketSpan(start: Date, stepMs: number): string {
  const end = new Date(start.getTime() + stepMs);
  const day = `${months[start.getMonth()]} ${start.getDate()}`;
  if (stepMs >= 86_400_000) return day;
  return `${day} ${pad(start.getHours())}:00–${pad(end.getHours())}:00`;
}

const trim = (value: number) => String(Number(value.toFixed(value >= 100 || value <= -100 ? 0 : 1)));
