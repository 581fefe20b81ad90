// What every action form shares: a busy flag, the error of the last try,
// and the outcome of a request the core turned into a one-line batch.
import { useState } from "preact/hooks";
import { pick, t } from "../i18n";
import type { BatchResult } from "../types";

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const run = async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (e) {
      setError(e);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, run };
}

export function BatchOutcome({ result }: { result: BatchResult | null }) {
  if (!result) return null;
  const errors = result.lines.flatMap((l) => l.errors);
  return (
    <div role="status" class={result.accepted ? "notice" : "error"}>
      <p>
        {result.accepted ? t("requestAccepted") : t("requestRefused")}{" "}
        <a href={`#/history/${result.batch_id}`}>{t("seeBatch")}</a>
      </p>
      {errors.length > 0 && (
        <ul class="line-errors">
          {errors.map((e, i) => (
            <li key={i}>
              <span class="code">{e.code}</span> <strong>{pick(e.column)}</strong>: {pick(e)}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
