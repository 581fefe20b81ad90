import { useCallback, useState } from "preact/hooks";
import { getJson } from "../api";
import { ErrorBox } from "../components/ErrorBox";
import { stillIssuing } from "../components/ResultTable";
import { StatusText } from "../components/StatusText";
import { useApi, usePolling } from "../components/useApi";
import { t, tKey } from "../i18n";
import { jstAndUtc } from "../time";
import { inventoryApi, type CertificateDetail as Detail, type Inventory, type LineResult, type Me } from "../types";
import { ClientRenewForm, DownloadForm, RenewForm, ResendForm, RevokeForm, SubscriberForm } from "./CertificateActions";
import { Table } from "../components/Table";

export function CertificateDetail({ id, me, inventory = "server" }: { id: number; me: Me; inventory?: Inventory }) {
  const api = inventoryApi(inventory);
  const client = inventory === "client";
  const { data, error, reload } = useApi<Detail>(`${api}/${id}`);
  // After a revocation or renewal request, watch its batch (reading it writes
  // nothing) until the signer has acted, then show the certificate again.
  const [watching, setWatching] = useState<number | null>(null);
  const [watchError, setWatchError] = useState<unknown>(null);
  const check = useCallback(async () => {
    try {
      const batch = await getJson<{ results: LineResult[] }>(`batches/${watching}`);
      if (!stillIssuing(batch.results)) {
        setWatching(null);
        reload();
      }
    } catch (e) {
      setWatchError(e);
      setWatching(null);
    }
  }, [watching, reload]);
  usePolling(watching !== null, check);

  if (error) return <ErrorBox error={error} />;
  if (!data) return <p>{t("loading")}</p>;
  const active = data.status === 4 || data.status === 5;
  return (
    <>
      <p>
        <a href={`#/${api}`}>← {t(client ? "clientCertificates" : "certificates")}</a>
      </p>
      <h1 class="fqdn">{client ? data.end_user?.email : data.fqdn}</h1>
      <p aria-live="polite">
        {t("status")}: <StatusText row={data} />
        {watching !== null && <span class="sub"> — {t("watching")}</span>}
      </p>
      <section>
        <h2>{t("details")}</h2>
        <dl class="fields">
          <dt>{t("subjectDn")}</dt>
          <dd class="wrap">{data.subject_dn}</dd>
          <dt>{t("sans")}</dt>
          <dd>{data.dns_names.join(", ")}</dd>
          {client && data.end_user && (
            <>
              <dt>{t("endUser")}</dt>
              <dd>
                {data.end_user.name} / {data.end_user.affiliation} / {data.end_user.email}
              </dd>
              <dt>{t("downloadMethod")}</dt>
              <dd>
                {t(data.download_method === 2 ? "method2" : "method1")} ({data.pkcs12_name}.p12)
              </dd>
            </>
          )}
          <dt>{t("serialNotations")}</dt>
          <dd>
            <ul class="plain">
              <li>
                {t("hexNotation")}: <code class="wrap">{data.serial_notations.hex}</code>
              </li>
              <li>
                {t("decimalNotation")}: <code class="wrap">{data.serial_notations.decimal}</code>
              </li>
              <li>
                {t("colonNotation")}: <code class="wrap">{data.serial_notations.colons}</code>
              </li>
            </ul>
          </dd>
          <dt>{t("profile")}</dt>
          <dd>{data.profile}</dd>
          <dt>{t("validFrom")}</dt>
          <dd>{jstAndUtc(data.not_before)}</dd>
          <dt>{t("validUntil")}</dt>
          <dd>{jstAndUtc(data.not_after)}</dd>
          <dt>{t("issuedAt")}</dt>
          <dd>{jstAndUtc(data.issued_at)}</dd>
          {data.revoked_at && (
            <>
              <dt>{t("revokedAt")}</dt>
              <dd>
                {jstAndUtc(data.revoked_at)} ({tKey("reason", data.revocation_reason ?? 0)})
              </dd>
            </>
          )}
          <dt>{t("submitted")}</dt>
          <dd>
            {jstAndUtc(data.submitted)}
            {data.batch_id && (
              <>
                {" "}
                (
                <a href={`#/history/${data.batch_id}`}>
                  {t("batch")} {data.batch_id}
                </a>
                , {t("line")} {data.line})
              </>
            )}
          </dd>
          {!client && (
            <>
              <dt>{t("software")}</dt>
              <dd>{data.server_software}</dd>
            </>
          )}
          <dt>{t("subscriber")}</dt>
          <dd>
            {data.subscriber.name} / {data.subscriber.affiliation} / {data.subscriber.email}
          </dd>
        </dl>
      </section>
      <section>
        <h2>{t("actions")}</h2>
        {!client && data.status !== 7 && <DownloadForm id={id} />}
        {!client && active && <ResendForm id={id} />}
        {!client && active && me.functions.includes("subscriber") && (
          <SubscriberForm id={id} detail={data} onSaved={reload} />
        )}
        {!client && active && <RenewForm id={id} onAccepted={setWatching} />}
        {client && active && <ClientRenewForm id={id} onAccepted={setWatching} />}
        {active && <RevokeForm id={id} api={api} onAccepted={setWatching} />}
        <ErrorBox error={watchError} />
      </section>
      <section>
        <h2>{t("historyTitle")}</h2>
        <Table caption={t("historyTitle")} head={[t("at"), t("actor"), t("action")]}>
          {data.history.map((h, i) => (
            <tr key={i}>
              <td>{jstAndUtc(h.at)}</td>
              <td>{h.actor}</td>
              <td>
                <code>{h.action}</code>
              </td>
            </tr>
          ))}
        </Table>
      </section>
      <details>
        <summary>PEM</summary>
        <pre id="pem">{data.pem}</pre>
      </details>
    </>
  );
}
