import type { NavItem } from "../components/Nav";
import { t, type Key } from "../i18n";
import { jstAndUtc } from "../time";
import type { Me } from "../types";

const descriptions: Record<string, Key> = {
  "/upload": "fnUpload",
  "/history": "fnHistory",
  "/certificates": "fnCertificates",
  "/client-certificates": "fnClientCertificates",
  "/acme": "fnAcme",
  "/exports": "fnExports",
  "/statistics": "fnStatistics",
  "/allowlist": "fnAllowlist",
  "/account": "fnAccount",
};

export function Home({ me, items }: { me: Me; items: NavItem[] }) {
  return (
    <>
      <h1>
        {t("welcome")}, {me.officer.name}
      </h1>
      {me.certificate.renewable && (
        <p class="notice">
          {t("renewalOpen")} <a href="#/account">{t("renewNow")}</a>
        </p>
      )}
      {me.functions.includes("server") && (
        <section>
          <h2>{t("nextSteps")}</h2>
          <p>{t("nextStepsText")}</p>
        </section>
      )}
      <section>
        <h2>{t("functions")}</h2>
        <ul class="cards">
          {items
            .filter((i) => i.path !== "/")
            .map((i) => (
              <li key={i.path}>
                <a href={`#${i.path}`}>{t(i.label)}</a>
                <p>{t(descriptions[i.path])}</p>
              </li>
            ))}
        </ul>
      </section>
      <section>
        <h2>{t("domains")}</h2>
        <ul>
          {me.grants.map((g) => (
            <li key={`${g.domain}/${g.subtree}`}>
              <code>{g.subtree ?? g.domain}</code>
            </li>
          ))}
        </ul>
        <p>
          {t("certificateExpires")}: {jstAndUtc(me.certificate.not_after)}
        </p>
      </section>
    </>
  );
}
