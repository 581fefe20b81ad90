// One ACME registration: its names, subscriber and EAB state, the accounts
// bound to it, its latest orders with the reason of every failure, and the
// officer's actions: update (new names, new EAB) and suspend.
import { postForm } from "../api";
import { ReasonForm } from "../components/Action";
import { ErrorBox } from "../components/ErrorBox";
import { Table } from "../components/Table";
import { useApi } from "../components/useApi";
import { t, type Key } from "../i18n";
import { jstAndUtc } from "../time";
import type { AcmeRegistrationDetail, BatchResult } from "../types";
import { RegistrationForm } from "./Acme";

export function AcmeDetail({ id }: { id: number }) {
  const { data, error, reload } = useApi<AcmeRegistrationDetail>(`acme/registrations/${id}`);
  if (error) return <ErrorBox error={error} />;
  if (!data) return <p>{t("loading")}</p>;
  const active = data.status === "active";
  return (
    <>
      <h1>
        {t("acme")}: {data.account_id}
      </h1>
      <dl class="fields">
        <dt>{t("subjectDn")}</dt>
        <dd>{data.subject_dn}</dd>
        <dt>{t("acmeNamesColumn")}</dt>
        <dd>{data.names.join(", ")}</dd>
        <dt>{t("acmeKeyType")}</dt>
        <dd>{data.profile === "3" ? t("acmeProfile3") : t("acmeProfile11")}</dd>
        <dt>{t("acmeStatus")}</dt>
        <dd>
          {t(active ? "acmeActive" : "acmeSuspended")}
          {data.suspension && ` (${t(`reason_${data.suspension.reason}` as Key)} ${data.suspension.comment})`}
        </dd>
        <dt>{t("subscriber")}</dt>
        <dd>
          {data.subscriber.name} / {data.subscriber.affiliation} / {data.subscriber.email}
        </dd>
        <dt>{t("eabKid")}</dt>
        <dd>
          <code>{data.eab.kid}</code>{" "}
          {data.eab.bound_at
            ? `${t("eabBoundAt")} ${jstAndUtc(data.eab.bound_at)}`
            : `${t("eabUnused")} (${t("eabExpires")} ${jstAndUtc(data.eab.expires_at)})`}
        </dd>
      </dl>
      <h2>{t("acmeAccounts")}</h2>
      {data.accounts.length === 0 ? (
        <p>{t("noResults")}</p>
      ) : (
        <Table caption={t("acmeAccounts")} head={["ID", t("acmeStatus"), t("created"), t("acmeContact")]}>
          {data.accounts.map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td>
              <td>{a.status}</td>
              <td>{jstAndUtc(a.created_at)}</td>
              <td>{a.contact.join(", ")}</td>
            </tr>
          ))}
        </Table>
      )}
      <h2>{t("acmeOrders")}</h2>
      {data.orders.length === 0 ? (
        <p>{t("noResults")}</p>
      ) : (
        <Table
          caption={t("acmeOrders")}
          head={["ID", t("acmeNamesColumn"), t("acmeStatus"), t("created"), t("acmeOutcome")]}
        >
          {data.orders.map((o) => (
            <tr key={o.id} class={o.status === "invalid" ? "failed" : undefined}>
              <td>{o.id}</td>
              <td>{o.names.join(", ")}</td>
              <td>{o.status}</td>
              <td>{jstAndUtc(o.created_at)}</td>
              <td>{o.error ?? (o.certificate_id ? `${t("certificate")} #${o.certificate_id}` : "")}</td>
            </tr>
          ))}
        </Table>
      )}
      {active && (
        <>
          <RegistrationForm
            key={data.updated_at}
            title="acmeUpdate"
            initial={{
              cn: data.names[0],
              names: data.names.slice(1).join(" "),
              profile: data.profile,
              subscriber_name: data.subscriber.name,
              subscriber_affiliation: data.subscriber.affiliation,
              subscriber_email: data.subscriber.email,
              server_software: data.server_software,
            }}
            submit={(f) => postForm<BatchResult>(`acme/registrations/${id}/update`, f)}
          />
          <ReasonForm
            title="acmeSuspendTitle"
            help="acmeSuspendHelp"
            confirm="acmeSuspendConfirm"
            button="acmeSuspendButton"
            heading="h2"
            submit={(reason, comment) => postForm<BatchResult>(`acme/registrations/${id}/suspend`, { reason, comment })}
            onAccepted={reload}
          />
        </>
      )}
    </>
  );
}
