import { useState } from "preact/hooks";
import { ErrorBox } from "../components/ErrorBox";
import { useApi } from "../components/useApi";
import { t } from "../i18n";
import type { StatisticsRow } from "../types";
import { Table } from "../components/Table";

type Dimension = "domain" | "month" | "profile";

interface Group {
  key: string;
  issued: number;
  valid: number;
  revoked: number;
}

function groupBy(rows: StatisticsRow[], dim: Dimension): Group[] {
  const groups = new Map<string, Group>();
  for (const r of rows) {
    const g = groups.get(r[dim]) ?? { key: r[dim], issued: 0, valid: 0, revoked: 0 };
    g.issued += r.issued;
    g.valid += r.valid;
    g.revoked += r.revoked;
    groups.set(r[dim], g);
  }
  return [...groups.values()].sort((a, b) => a.key.localeCompare(b.key));
}

// Horizontal bars (SVG): valid and revoked stacked, the rest of issued
// (expired or renewed) after them.  The table below carries the same numbers.
function BarChart({ groups }: { groups: Group[] }) {
  const max = Math.max(1, ...groups.map((g) => g.issued));
  const row = 28,
    labelWidth = 180,
    width = 640;
  const scale = (n: number) => ((width - labelWidth - 60) * n) / max;
  return (
    <svg class="chart" role="img" aria-label={t("chartLabel")} viewBox={`0 0 ${width} ${groups.length * row + 24}`}>
      {groups.map((g, i) => (
        <g key={g.key} transform={`translate(0 ${i * row})`}>
          <text x={labelWidth - 8} y={18} text-anchor="end" class="label">
            {g.key}
          </text>
          <rect x={labelWidth} y={4} width={scale(g.issued)} height={18} class="bar-issued" />
          <rect x={labelWidth} y={4} width={scale(g.valid)} height={18} class="bar-valid" />
          <rect x={labelWidth + scale(g.valid)} y={4} width={scale(g.revoked)} height={18} class="bar-revoked" />
          <text x={labelWidth + scale(g.issued) + 6} y={18} class="value">
            {g.issued}
          </text>
        </g>
      ))}
      <g transform={`translate(${labelWidth} ${groups.length * row + 8})`} class="legend">
        <rect width={12} height={12} class="bar-valid" />
        <text x={16} y={11}>
          {t("valid")}
        </text>
        <rect x={90} width={12} height={12} class="bar-revoked" />
        <text x={106} y={11}>
          {t("revoked")}
        </text>
        <rect x={180} width={12} height={12} class="bar-issued" />
        <text x={196} y={11}>
          {t("issued")}
        </text>
      </g>
    </svg>
  );
}

export function Statistics() {
  const { data, error } = useApi<{ statistics: StatisticsRow[] }>("statistics");
  const [dim, setDim] = useState<Dimension>("domain");
  const groups = data ? groupBy(data.statistics, dim) : [];
  return (
    <>
      <h1>{t("statistics")}</h1>
      <ErrorBox error={error} />
      <label>
        {t("groupBy")}{" "}
        <select value={dim} onChange={(e) => setDim((e.currentTarget as HTMLSelectElement).value as Dimension)}>
          <option value="domain">{t("domain")}</option>
          <option value="month">{t("month")}</option>
          <option value="profile">{t("profile")}</option>
        </select>
      </label>
      {!data && !error && <p>{t("loading")}</p>}
      {data && groups.length === 0 && <p>{t("noResults")}</p>}
      {groups.length > 0 && (
        <>
          <h2>{t("chart")}</h2>
          <BarChart groups={groups} />
          <h2>{t("table")}</h2>
          <Table
            caption={t("statisticsCaption")}
            head={[t("domain"), t("month"), t("profile"), t("issued"), t("valid"), t("revoked")]}
          >
            {data!.statistics.map((r) => (
              <tr key={`${r.domain}/${r.month}/${r.profile}`}>
                <td>{r.domain}</td>
                <td>{r.month}</td>
                <td>{r.profile}</td>
                <td>{r.issued}</td>
                <td>{r.valid}</td>
                <td>{r.revoked}</td>
              </tr>
            ))}
          </Table>
        </>
      )}
    </>
  );
}
