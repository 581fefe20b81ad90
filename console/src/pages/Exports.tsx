import { useState } from "preact/hooks";
import { download } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { t } from "../i18n";

export function Exports() {
  const [state, setState] = useState<"idle" | "busy" | "done">("idle");
  const [error, setError] = useState<unknown>(null);
  const run = async () => {
    setState("busy");
    setError(null);
    try {
      await download("exports/serverAll.tsv", "serverAll.tsv");
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
        <button type="button" onClick={run} disabled={state === "busy"} aria-busy={state === "busy"}>
          {state === "busy" ? t("preparing") : t("exportButton")}
        </button>
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
