import { useState } from "preact/hooks";
import { download } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { ResultTable, stillIssuing } from "../components/ResultTable";
import { useApi, usePolling } from "../components/useApi";
import { t } from "../i18n";
import { jstAndUtc } from "../time";
import type { BatchSummary, LineResult } from "../types";
import { applyTypeLabel } from "./History";

interface Batch extends BatchSummary {
  results: LineResult[];
}

// One upload: the file as uploaded, and each line's result and progress.
export function BatchDetail({ id }: { id: number }) {
  const { data, error, reload } = useApi<Batch>(`batches/${id}`);
  const [downloadError, setDownloadError] = useState<unknown>(null);
  usePolling(!!data && stillIssuing(data.results), reload);
  return (
    <>
      <p>
        <a href="#/history">← {t("history")}</a>
      </p>
      <h1>
        {t("batch")} {id}
      </h1>
      <ErrorBox error={error ?? downloadError} />
      {data && (
        <>
          <dl class="fields">
            <dt>{t("fileName")}</dt>
            <dd>{data.file_name}</dd>
            <dt>{t("uploader")}</dt>
            <dd>{data.uploaded_by}</dd>
            <dt>{t("uploadedAt")}</dt>
            <dd>{jstAndUtc(data.uploaded_at)}</dd>
            <dt>{t("applyType")}</dt>
            <dd>{applyTypeLabel(data.apply_type)}</dd>
            <dt>{t("errorHandling")}</dt>
            <dd>{data.error_flg ? t("rejectAll") : t("acceptGood")}</dd>
            <dt>{t("encoding")}</dt>
            <dd>{data.encoding}</dd>
            <dt>{t("accepted")}</dt>
            <dd>
              {data.accepted} / {data.lines}
            </dd>
            <dt>SHA-256</dt>
            <dd>
              <code class="wrap">{data.sha256}</code>
            </dd>
          </dl>
          <p>
            <button
              type="button"
              onClick={() => download(`batches/${id}/file`, data.file_name).catch(setDownloadError)}
            >
              {t("redownload")}
            </button>
          </p>
          {stillIssuing(data.results) && <p class="sub">{t("watching")}</p>}
          <ResultTable lines={data.results} />
        </>
      )}
    </>
  );
}
