import { useState } from "preact/hooks";
import { CollectCertificate, type Queued } from "../components/CollectCertificate";
import { ErrorBox } from "../components/ErrorBox";
import { t } from "../i18n";
import { jstAndUtc } from "../time";
import type { Me } from "../types";
import { requestRenewal } from "./Pickup";

// The officer's own certificate: expiry, and renewal once the window opens
// (the server makes the new key; it waits sealed until this page collects it).
export function Account({ me }: { me: Me }) {
  const [queued, setQueued] = useState<Queued | null>(null);
  const [error, setError] = useState<unknown>(null);
  const renew = () => requestRenewal().then(setQueued, setError);
  return (
    <>
      <h1>{t("account")}</h1>
      <dl class="fields">
        <dt>{t("name")}</dt>
        <dd>{me.officer.name}</dd>
        <dt>{t("mail")}</dt>
        <dd>{me.officer.email}</dd>
        <dt>{t("serial")}</dt>
        <dd>
          <code>{me.certificate.serial}</code>
        </dd>
        <dt>{t("certificateExpires")}</dt>
        <dd>{jstAndUtc(me.certificate.not_after)}</dd>
      </dl>
      {me.certificate.renewable ? (
        <section id="renew">
          <p class="notice">{t("renewalOpen")}</p>
          {!queued && (
            <button type="button" onClick={renew}>
              {t("renewNow")}
            </button>
          )}
          <ErrorBox error={error} />
          {queued && <CollectCertificate queued={queued} />}
        </section>
      ) : (
        <p>{t("renewalNotYet")}</p>
      )}
    </>
  );
}
