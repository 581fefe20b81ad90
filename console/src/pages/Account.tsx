import { lang, t } from "../i18n";
import { jstAndUtc } from "../time";
import type { Me } from "../types";

// The officer's own certificate: expiry, and renewal once the window opens
// (renewal runs on /enroll/, which makes the new key in the browser's stead).
export function Account({ me }: { me: Me }) {
  const renewUrl = new URL(`../enroll/renew?lang=${lang()}`, document.baseURI).href;
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
        <p class="notice">
          {t("renewalOpen")} <a href={renewUrl}>{t("renewNow")}</a>
        </p>
      ) : (
        <p>{t("renewalNotYet")}</p>
      )}
    </>
  );
}
