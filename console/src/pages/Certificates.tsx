import { useState } from "preact/hooks";
import { ErrorBox } from "../components/ErrorBox";
import { StatusText } from "../components/StatusText";
import { useApi, usePolling } from "../components/useApi";
import { t } from "../i18n";
import { href, navigate } from "../router";
import { jstDate } from "../time";
import { inventoryApi, type Certificate, type Inventory } from "../types";
import { Table } from "../components/Table";

const PAGE = 50;
const FILTERS = ["fqdn", "serial", "status", "profile", "subscriber", "from", "to", "sort", "batch"] as const;
type Filters = Record<(typeof FILTERS)[number], string>;

function filtersOf(query: URLSearchParams): Filters {
  return Object.fromEntries(FILTERS.map((k) => [k, query.get(k) ?? ""])) as Filters;
}

// Search, paging and sorting happen in the API; the URL keeps them, so a
// search can be bookmarked and the back button works.
// The profiles an inventory offers to filter by.
const PROFILES: Record<Inventory, [string, string][]> = {
  server: [
    ["3", "3 (RSA)"],
    ["11", "11 (ECDSA)"],
  ],
  client: [
    ["13", "13 (client, 13 months)"],
    ["14", "14 (client, 25 months)"],
    ["15", "15 (S/MIME, 13 months)"],
    ["16", "16 (S/MIME, 25 months)"],
  ],
};

export function Certificates({ query, inventory = "server" }: { query: URLSearchParams; inventory?: Inventory }) {
  const api = inventoryApi(inventory);
  const route = `/${api}`;
  const title = t(inventory === "client" ? "clientCertificates" : "certificates");
  // What a row is named by: the host, or the person (their mail).
  const nameOf = (r: Certificate) => (inventory === "client" ? (r.dns_names[0] ?? r.subject_dn) : r.fqdn);
  const applied = filtersOf(query);
  const offset = Number(query.get("offset") ?? 0) || 0;
  const params = new URLSearchParams({ limit: String(PAGE + 1), offset: String(offset) });
  for (const [k, v] of Object.entries(applied)) if (v) params.set(k, v);
  const { data, error, reload } = useApi<{ certificates: Certificate[] }>(`${api}?${params}`);
  const [form, setForm] = useState<Filters>(applied);
  const rows = data?.certificates.slice(0, PAGE) ?? [];
  const more = (data?.certificates.length ?? 0) > PAGE;
  usePolling(
    rows.some((r) => r.state === "queued"),
    reload,
  );

  const field = (name: keyof Filters, label: string, type: "text" | "date" = "text") => {
    const props = {
      name,
      value: form[name],
      onInput: (e: Event) => setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value }),
    };
    return (
      <label>
        {label}
        {type === "date" ? <input type="date" {...props} /> : <input type="text" {...props} />}
      </label>
    );
  };
  const choice = (name: keyof Filters, label: string, options: [string, string][]) => (
    <label>
      {label}
      <select
        name={name}
        value={form[name]}
        onChange={(e) => setForm({ ...form, [name]: (e.currentTarget as HTMLSelectElement).value })}
      >
        {options.map(([v, l]) => (
          <option key={v} value={v}>
            {l}
          </option>
        ))}
      </select>
    </label>
  );
  const page = (to: number) => href(route, { ...applied, offset: to || undefined });

  return (
    <>
      <h1>{title}</h1>
      <form class="filters" role="search" onSubmit={(e) => (e.preventDefault(), navigate(route, { ...form }))}>
        {field("fqdn", t(inventory === "client" ? "personSearch" : "fqdn"))}
        {field("serial", t("serial"))}
        {choice("status", t("status"), [
          ["", t("any")],
          ["queued", t("status_queued")],
          ["4", t("status_4")],
          ["5", t("status_5")],
          ["6", t("status_6")],
          ["7", t("status_7")],
          ["failed", t("status_failed")],
        ])}
        {choice("profile", t("profile"), [["", t("any")], ...PROFILES[inventory]])}
        {field("subscriber", t("subscriber"))}
        {field("from", t("from"), "date")}
        {field("to", t("to"), "date")}
        {choice("sort", t("sort"), [
          ["", t("newest")],
          ["oldest", t("oldest")],
          ["expiring", t("expiring")],
        ])}
        <div class="buttons">
          <button type="submit">{t("search")}</button>
          <a href={`#${route}`} onClick={() => setForm(filtersOf(new URLSearchParams()))}>
            {t("clear")}
          </a>
        </div>
      </form>
      <ErrorBox error={error} />
      {!data && !error && <p>{t("loading")}</p>}
      {data && rows.length === 0 && <p>{t("noResults")}</p>}
      {rows.length > 0 && (
        <Table
          caption={`${title} (${offset + 1}–${offset + rows.length})`}
          head={[
            t("applicationId"),
            t(inventory === "client" ? "endUserMail" : "fqdn"),
            t("serial"),
            t("operation"),
            t("status"),
            t("submitted"),
            t("validUntil"),
          ]}
        >
          {rows.map((r) => (
            <tr key={r.application_id} data-state={r.state}>
              <td>{r.application_id}</td>
              <td class="fqdn">
                {r.certificate_id ? <a href={href(`${route}/${r.certificate_id}`)}>{nameOf(r)}</a> : nameOf(r)}
              </td>
              <td>
                <code class="wrap">{r.serial}</code>
              </td>
              <td>{t(`op_${r.operation}` as "op_issue")}</td>
              <td>
                <StatusText row={r} />
              </td>
              <td>{jstDate(r.submitted)}</td>
              <td>{jstDate(r.not_after)}</td>
            </tr>
          ))}
        </Table>
      )}
      <nav class="pager" aria-label={title}>
        {offset > 0 && <a href={page(Math.max(0, offset - PAGE))}>← {t("previous")}</a>}
        {more && <a href={page(offset + PAGE)}>{t("next")} →</a>}
      </nav>
    </>
  );
}
