import { useState } from "preact/hooks";
import { ENROLL_BASE, getJson, postFormStatus } from "../api";
import { CollectCertificate, type Queued } from "../components/CollectCertificate";
import { ErrorBox } from "../components/ErrorBox";
import { PinField } from "../components/PinField";
import { useApi } from "../components/useApi";
import { t } from "../i18n";

// The page of the mailed pickup link (#/pickup?t=…).  Opening it consumes
// nothing; the PIN claims the pickup, and the certificate is collected here.
export function Pickup({ token }: { token: string }) {
  const info = useApi<{ officer_name: string; attempts_left: number }>(
    token ? `pickup?t=${encodeURIComponent(token)}` : null,
    ENROLL_BASE,
  );
  const [pin, setPin] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [queued, setQueued] = useState<Queued | null>(null);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await postFormStatus<Queued>("pickup", { t: token, pin: pin.trim() }, ENROLL_BASE);
      setQueued(r.body);
    } catch (err) {
      setError(err);
      info.reload(); // the tries left
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <h1>{t("pickupTitle")}</h1>
      {!token && <ErrorBox error={new Error(t("pickupNoToken"))} />}
      <ErrorBox error={info.error} />
      {info.data && !queued && (
        <form onSubmit={submit} class="action">
          <p>
            {t("pickupFor")}: <strong>{info.data.officer_name}</strong>
          </p>
          <p>{t("pickupHelp")}</p>
          <PinField value={pin} onInput={setPin} />
          <p class="sub">
            {t("attemptsLeft")}: {info.data.attempts_left}
          </p>
          <button type="submit" disabled={busy || !pin.trim()}>
            {t("getCertificate")}
          </button>
          <ErrorBox error={error} />
        </form>
      )}
      {queued && <CollectCertificate queued={queued} />}
    </>
  );
}

// The officer certificate's renewal, from the account page.
export async function requestRenewal(): Promise<Queued> {
  const { csrf_token } = await getJson<{ csrf_token: string }>("renew", ENROLL_BASE);
  const r = await postFormStatus<Queued>("renew", { csrf: csrf_token }, ENROLL_BASE);
  return r.body;
}
