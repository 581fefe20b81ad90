import { useState } from "preact/hooks";
import { download, DOWNLOAD_BASE } from "../api";
import { CertificateFacts } from "../components/CertificateFacts";
import { ErrorBox } from "../components/ErrorBox";
import { PinField } from "../components/PinField";
import { useApi } from "../components/useApi";
import { t, type Key } from "../i18n";

interface Credential {
  state: "waiting" | "ready" | "collected" | "locked" | "revoked";
  subject_dn: string;
  serial: string;
  file_name: string;
  expires_at: string;
}

// The end user's page of the mailed certificate link (#/credential?t=…): the
// PKCS#12, once, for the access PIN the subscriber hands over.
export function Credential({ token }: { token: string }) {
  const info = useApi<Credential>(token ? `credential?t=${encodeURIComponent(token)}` : null, DOWNLOAD_BASE);
  const [pin, setPin] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const submit = (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    download("credential", info.data?.file_name ?? "certificate.p12", { t: token, pin: pin.trim() }, DOWNLOAD_BASE)
      .then(info.reload, (err) => {
        setError(err);
        info.reload();
      })
      .finally(() => setBusy(false));
  };
  const state = info.data?.state;
  return (
    <>
      <h1>{t("credentialTitle")}</h1>
      {!token && <ErrorBox error={new Error(t("pickupNoToken"))} />}
      <ErrorBox error={info.error} />
      {info.data && (
        <>
          <CertificateFacts
            subjectDn={info.data.subject_dn}
            serial={info.data.serial}
            date={info.data.expires_at}
            dateLabel="linkExpires"
          />
          {state !== "ready" && (
            <p role="status" class={state === "collected" ? "notice" : "error"} id="credential-state">
              {t(`credential_${state}` as Key)}
            </p>
          )}
          {state === "ready" && (
            <form onSubmit={submit} class="action">
              <p>{t("credentialHelp")}</p>
              <PinField value={pin} onInput={setPin} />
              <button type="submit" disabled={busy || !pin.trim()}>
                {t("downloadP12")}
              </button>
            </form>
          )}
          <ErrorBox error={error} />
        </>
      )}
    </>
  );
}
