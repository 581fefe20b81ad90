import { useState } from "preact/hooks";
import { download } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { t } from "../i18n";

// serverAll.tsv, and clientAll.tsv for officers granted client or S/MIME certificates.
export function Exports({ files }: { files: string[] }) {
  const [state, setState] = useState<"idle" | "busy" | "done">("idle");
  const [error, setError] = useState<unknown>(null);
  const run = async (file: string) => {
    setState("busy");
    setError(null);
    try {
      await download(`exports/${file}`, file);
      setState("done");
    } catch (e) {
      setError(e);
      setState("idle");
    }
  };
  return (
    <>
      <h1>{t("exports")}</h1>
      <section>
        <h2>{t("exportTitle")}</h2>
        <p>{t("exportHelp")}</p>
        <ul class="plain buttons">
          {files.map((file) => (
            <li key={file}>
              <button type="button" onClick={() => run(file)} disabled={state === "busy"} aria-busy={state === "busy"}>
                {state === "busy"
                  ? t("preparing")
                  : file === "clientAll.tsv"
                    ? t("clientAllDownload")
                    : t("exportButton")}
              </button>
            </li>
          ))}
        </ul>
        {state === "busy" && <progress aria-label={t("preparing")} />}
        {state === "done" && (
          <p role="status" class="notice">
            {t("downloaded")}
          </p>
        )}
        <ErrorBox error={error} />
      </section>
    </>
  );
}
