import { useState } from "preact/hooks";
import { download, DOWNLOAD_BASE } from "../api";
import { CertificateFacts } from "../components/CertificateFacts";
import { ErrorBox } from "../components/ErrorBox";
import { useApi } from "../components/useApi";
import { t, type Key } from "../i18n";

interface Target {
  subject_dn: string;
  serial: string;
  not_after: string;
  revoked: boolean;
  formats: string[];
}

// The subscriber's page of the mailed download link (#/download?t=…).
// Opening it changes nothing; each button fetches the certificate in one format.
export function Download({ token }: { token: string }) {
  const info = useApi<Target>(token ? `?t=${encodeURIComponent(token)}` : null, DOWNLOAD_BASE);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState("");
  const fetchFormat = (format: string) =>
    download("", `certificate.${format}`, { t: token, format }, DOWNLOAD_BASE).then(() => setDone(format), setError);
  return (
    <>
      <h1>{t("downloadTitle")}</h1>
      {!token && <ErrorBox error={new Error(t("pickupNoToken"))} />}
      <ErrorBox error={info.error ?? error} />
      {info.data && (
        <>
          <CertificateFacts
            subjectDn={info.data.subject_dn}
            serial={info.data.serial}
            date={info.data.not_after}
            dateLabel="validUntil"
          />
          {info.data.revoked ? (
            <p class="error">{t("certificateRevoked")}</p>
          ) : (
            <section>
              <h2>{t("format")}</h2>
              <p>{t("downloadHelp")}</p>
              <ul class="plain buttons">
                {info.data.formats.map((f) => (
                  <li key={f}>
                    <button type="button" onClick={() => fetchFormat(f)}>
                      {t(`fmt_${f}` as Key)}
                    </button>
                  </li>
                ))}
              </ul>
              {done && (
                <p role="status" class="notice">
                  {t("downloaded")}
                </p>
              )}
            </section>
          )}
        </>
      )}
    </>
  );
}
