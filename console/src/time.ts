// The API speaks UTC (ISO 8601); officers in Japan read JST.  Both are shown.
const jst = new Intl.DateTimeFormat("sv-SE", {
  timeZone: "Asia/Tokyo",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
});

function utc(d: Date): string {
  return d.toISOString().slice(0, 16).replace("T", " ");
}

// "2026-12-01 18:30 JST (09:30 UTC)", or "" for a missing time.
export function jstAndUtc(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const u = utc(d);
  return `${jst.format(d)} JST (${u.slice(0, 10) === jst.format(d).slice(0, 10) ? u.slice(11) : u} UTC)`;
}

// The JST date alone, for tables.
export function jstDate(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : jst.format(d).slice(0, 10);
}
