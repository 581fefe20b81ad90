import { useState } from "preact/hooks";
import { download, DOWNLOAD_BASE } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { useApi } from "../components/useApi";
import { t } from "../i18n";
import { jstAndUtc } from "../time";

interface PinFile {
  entries: number;
  bulk_waiting: number;
  fetched: boolean;
  expires_at: string;
}

// The subscriber's page of the mailed PIN-file link (#/pins?t=…).  Opening it
// changes nothing; the PIN file (a ZIP) can be fetched once, and only then do
// the end users' links and the bulk ZIP work.
export function Pins({ token }: { token: string }) {
  const info = useApi<PinFile>(token ? `pins?t=${encodeURIComponent(token)}` : null, DOWNLOAD_BASE);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const fetchFile = (path: string, name: string) => {
    setBusy(true);
    setError(null);
    download(path, name, { t: token }, DOWNLOAD_BASE)
      .then(info.reload, setError)
      .finally(() => setBusy(false));
  };
  return (
    <>
      <h1>{t("pinsTitle")}</h1>
      {!token && <ErrorBox error={new Error(t("pickupNoToken"))} />}
      <ErrorBox error={info.error ?? error} />
      {info.data && (
        <>
          <dl class="fields">
            <dt>{t("pinsEntries")}</dt>
            <dd id="pin-entries">{info.data.entries}</dd>
            <dt>{t("linkExpires")}</dt>
            <dd>{jstAndUtc(info.data.expires_at)}</dd>
          </dl>
          {info.data.fetched ? (
            <p role="status" class="notice">
              {t("pinsFetched")}
            </p>
          ) : (
            <section>
              <p>{t("pinsHelp")}</p>
              <button type="button" disabled={busy} onClick={() => fetchFile("pins", "pins.zip")}>
                {t("pinsDownload")}
              </button>
            </section>
          )}
          {info.data.fetched && info.data.bulk_waiting > 0 && (
            <section>
              <h2>{t("bulkTitle")}</h2>
              <p>{t("bulkHelp")}</p>
              <button type="button" disabled={busy} onClick={() => fetchFile("pins/bulk", "certificates.zip")}>
                {t("bulkDownload")} ({info.data.bulk_waiting})
              </button>
            </section>
          )}
        </>
      )}
    </>
  );
}
