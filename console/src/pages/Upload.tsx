import { useCallback, useState } from "preact/hooks";
import { getJson, postMultipart } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { ResultTable, stillIssuing } from "../components/ResultTable";
import { usePolling } from "../components/useApi";
import { t } from "../i18n";
import { href } from "../router";
import type { BatchResult, LineResult } from "../types";

// One example line of each layout (issuance), for the templates: the 13 UPKI
// server columns and the 15 client / S/MIME columns.
const TEMPLATES: Record<string, string[]> = {
  server: [
    "CN=www.example.ac.jp,OU=Information Center,O=Example University,L=Chiyoda-ku,ST=Tokyo,C=JP",
    "3",
    "",
    "",
    "",
    "",
    "MIIC...(CSR, base64 on one line)",
    "山田 太郎",
    "情報基盤センター",
    "admin@example.ac.jp",
    "www.example.ac.jp",
    "nginx",
    "",
  ],
  client: [
    "CN=Hanako Suzuki,OU=Faculty of Science,O=Example University,L=Chiyoda-ku,ST=Tokyo,C=JP",
    "13",
    "1",
    "",
    "",
    "",
    "",
    "山田 太郎",
    "情報基盤センター",
    "admin@example.ac.jp",
    "鈴木 花子",
    "suzuki20261202",
    "理学部",
    "hanako@example.ac.jp",
    "",
  ],
};

function downloadTemplate(kind: string) {
  const text = TEMPLATES[kind].join("\t") + "\r\n";
  const url = URL.createObjectURL(new Blob([text], { type: "text/tab-separated-values" }));
  const a = document.createElement("a");
  a.href = url;
  a.download = `${kind}-issue-template.tsv`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

// kinds: the file layouts the officer is granted ("server", "client").
export function Upload({ kinds }: { kinds: string[] }) {
  const [kind, setKind] = useState(kinds[0] ?? "server");
  const [file, setFile] = useState<File | null>(null);
  const [applyType, setApplyType] = useState("1");
  const [errorFlg, setErrorFlg] = useState("1");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [result, setResult] = useState<BatchResult | null>(null);
  const [dragging, setDragging] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!file) return;
    const form = new FormData();
    form.set("applyType", applyType);
    form.set("errorFlg", errorFlg);
    form.set("kind", kind);
    form.set("file", file, file.name);
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      setResult(await postMultipart<BatchResult>("batches", form));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // Live progress: the batch's lines are fetched again while any waits for the signer.
  const batchId = result?.batch_id;
  const refresh = useCallback(async () => {
    if (!batchId) return;
    try {
      const b = await getJson<{ results: LineResult[] }>(`batches/${batchId}`);
      // An answer for a batch that is no longer shown (another file was sent) is dropped.
      setResult((current) => (current && current.batch_id === batchId ? { ...current, lines: b.results } : current));
    } catch (err) {
      setError(err);
    }
  }, [batchId]);
  usePolling(!!result && stillIssuing(result.lines), refresh);

  return (
    <>
      <h1>{t("upload")}</h1>
      <details class="help">
        <summary>{t("formatHelp")}</summary>
        <p>{t("formatHelpText")}</p>
        {kinds.includes("client") && <p>{t("formatHelpClient")}</p>}
        <button type="button" onClick={() => downloadTemplate(kind)}>
          {t("template")}
        </button>
      </details>
      <form onSubmit={submit} class="upload">
        {kinds.length > 1 && (
          <fieldset>
            <legend>{t("kindLabel")}</legend>
            {kinds.map((k) => (
              <label key={k}>
                <input type="radio" name="kind" value={k} checked={kind === k} onChange={() => setKind(k)} />{" "}
                {t(k === "client" ? "kindClient" : "kindServer")}
              </label>
            ))}
          </fieldset>
        )}
        <fieldset>
          <legend>{t("applyType")}</legend>
          {[
            ["1", "issue"],
            ["2", "renew"],
            ["3", "revoke"],
          ].map(([value, label]) => (
            <label key={value}>
              <input
                type="radio"
                name="applyType"
                value={value}
                checked={applyType === value}
                onChange={() => setApplyType(value)}
              />{" "}
              {t(label as "issue" | "renew" | "revoke")}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{t("errorHandling")}</legend>
          <label>
            <input
              type="radio"
              name="errorFlg"
              value="1"
              checked={errorFlg === "1"}
              onChange={() => setErrorFlg("1")}
            />{" "}
            {t("rejectAll")}
          </label>
          <label>
            <input
              type="radio"
              name="errorFlg"
              value="0"
              checked={errorFlg === "0"}
              onChange={() => setErrorFlg("0")}
            />{" "}
            {t("acceptGood")}
          </label>
        </fieldset>
        <div
          class={dragging ? "drop dragging" : "drop"}
          onDragOver={(e) => (e.preventDefault(), setDragging(true))}
          onDragLeave={() => setDragging(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDragging(false);
            const dropped = e.dataTransfer?.files?.[0];
            if (dropped) setFile(dropped);
          }}
        >
          <label for="file">{t("file")}</label>
          <p>{t("dropHere")}</p>
          <input
            id="file"
            type="file"
            accept=".tsv,.txt,text/tab-separated-values,text/plain"
            onChange={(e) => setFile((e.currentTarget as HTMLInputElement).files?.[0] ?? null)}
          />
          {file && (
            <p class="chosen">
              {t("chosen")}: <strong>{file.name}</strong>
            </p>
          )}
        </div>
        <button type="submit" disabled={!file || busy}>
          {busy ? t("sending") : t("submit")}
        </button>
      </form>
      <ErrorBox error={error} />
      {result && (
        <section aria-live="polite">
          <h2>{t("result")}</h2>
          <p>
            {t("encoding")}: {result.encoding} / {t("accepted")}: <span id="accepted">{result.accepted}</span> /{" "}
            {t("rejected")}: {result.rejected}
          </p>
          {result.aborted && <p class="error">{t("abortedNote")}</p>}
          {stillIssuing(result.lines) && <p class="sub">{t("watching")}</p>}
          <ResultTable lines={result.lines} />
          <p>
            <a href={href(`/history/${result.batch_id}`)}>{t("seeBatch")}</a>
          </p>
        </section>
      )}
    </>
  );
}
