import { ErrorBox } from "../components/ErrorBox";
import { useApi } from "../components/useApi";
import { t } from "../i18n";
import { href } from "../router";
import { jstAndUtc } from "../time";
import type { BatchSummary } from "../types";
import { Table } from "../components/Table";

export const applyTypeLabel = (n: number) => t(n === 1 ? "issue" : n === 2 ? "renew" : "revoke");

// The officer's own uploads, newest first.
export function History() {
  const { data, error } = useApi<{ batches: BatchSummary[] }>("batches");
  return (
    <>
      <h1>{t("history")}</h1>
      <ErrorBox error={error} />
      {!data && !error && <p>{t("loading")}</p>}
      {data && data.batches.length === 0 && <p>{t("noUploads")}</p>}
      {data && data.batches.length > 0 && (
        <Table
          caption={t("history")}
          head={[
            "ID",
            t("uploadedAt"),
            t("uploader"),
            t("fileName"),
            t("applyType"),
            t("encoding"),
            t("lines"),
            t("accepted"),
          ]}
        >
          {data.batches.map((b) => (
            <tr key={b.id}>
              <th scope="row">
                <a href={href(`/history/${b.id}`)}>{b.id}</a>
              </th>
              <td>{jstAndUtc(b.uploaded_at)}</td>
              <td>{b.uploaded_by}</td>
              <td>
                <a href={href(`/history/${b.id}`)}>{b.file_name}</a>
              </td>
              <td>{applyTypeLabel(b.apply_type)}</td>
              <td>{b.encoding}</td>
              <td>{b.lines}</td>
              <td>{b.accepted}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
