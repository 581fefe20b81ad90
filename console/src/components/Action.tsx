// What every action form shares: a busy flag, the error of the last try,
// and the outcome of a request the core turned into a one-line batch.
import { useState } from "preact/hooks";
import { ErrorBox } from "./ErrorBox";
import { pick, t, type Key } from "../i18n";
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

// A request with a reason, a comment and a confirmation (revocation,
// suspension): the button stays disabled until the officer confirms.
export function ReasonForm({
  title,
  help,
  confirm,
  button,
  heading = "h3",
  submit,
  onAccepted,
}: {
  title: Key;
  help?: Key;
  confirm: Key;
  button: Key;
  heading?: "h2" | "h3";
  submit: (reason: string, comment: string) => Promise<BatchResult>;
  onAccepted: (result: BatchResult) => void;
}) {
  const [reason, setReason] = useState("5");
  const [comment, setComment] = useState("");
  const [confirmed, setConfirmed] = useState(false);
  const [result, setResult] = useState<BatchResult | null>(null);
  const { busy, error, run } = useAction();
  const Heading = heading;
  return (
    <form
      class="action danger"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await run(() => submit(reason, comment));
        if (r) {
          setResult(r);
          if (r.accepted) onAccepted(r);
        }
      }}
    >
      <Heading>{t(title)}</Heading>
      {help && <p>{t(help)}</p>}
      <label>
        {t("reason")}
        <select name="reason" value={reason} onChange={(e) => setReason((e.currentTarget as HTMLSelectElement).value)}>
          {["0", "1", "3", "4", "5"].map((r) => (
            <option key={r} value={r}>
              {t(`reason_${r}` as Key)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t("comment")}
        <input
          name="comment"
          value={comment}
          maxLength={128}
          onInput={(e) => setComment((e.currentTarget as HTMLInputElement).value)}
        />
      </label>
      <label class="confirm">
        <input
          type="checkbox"
          name="confirm"
          checked={confirmed}
          onChange={(e) => setConfirmed((e.currentTarget as HTMLInputElement).checked)}
        />{" "}
        {t(confirm)}
      </label>
      <button type="submit" disabled={busy || !confirmed}>
        {t(button)}
      </button>
      <BatchOutcome result={result} />
      <ErrorBox error={error} />
    </form>
  );
}
