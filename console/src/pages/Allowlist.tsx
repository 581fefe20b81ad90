import { useState } from "preact/hooks";
import { download } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { useApi } from "../components/useApi";
import { t } from "../i18n";
import { Table } from "../components/Table";

export function Allowlist() {
  const { data, error } = useApi<{ allowlist: { domain: string; ou: string }[] }>("allowlist");
  const [downloadError, setDownloadError] = useState<unknown>(null);
  return (
    <>
      <h1>{t("allowlist")}</h1>
      <ErrorBox error={error ?? downloadError} />
      {!data && !error && <p>{t("loading")}</p>}
      {data && data.allowlist.length === 0 && <p>{t("noResults")}</p>}
      {data && data.allowlist.length > 0 && (
        <Table caption={t("allowlistCaption")} head={[t("domain"), "OU"]}>
          {data.allowlist.map((e) => (
            <tr key={`${e.domain}\t${e.ou}`}>
              <td>{e.domain}</td>
              <td>{e.ou}</td>
            </tr>
          ))}
        </Table>
      )}
      <p>
        <button type="button" onClick={() => download("allowlist.tsv", "allowlist.tsv").catch(setDownloadError)}>
          {t("allowlistDownload")}
        </button>
      </p>
    </>
  );
}
