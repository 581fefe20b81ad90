import { t, tKey } from "../i18n";
import type { Certificate } from "../types";

// An application's state, or the UPKI status (4-7) once issued.
export function StatusText({ row }: { row: Certificate }) {
  if (row.state === "failed")
    return (
      <span class="status failed" title={row.error}>
        {t("status_failed")}
      </span>
    );
  if (row.status === null) return <span class="status queued">{tKey("status", row.state)}</span>;
  return <span class={`status s${row.status}`}>{tKey("status", row.status)}</span>;
}
