// ACME registrations (UPKI ACME利用情報): the list, and a new registration
// whose EAB is shown once, here, and nowhere else.
import { useState } from "preact/hooks";
import { postForm } from "../api";
import { BatchOutcome, useAction } from "../components/Action";
import { ErrorBox } from "../components/ErrorBox";
import { Table } from "../components/Table";
import { useApi } from "../components/useApi";
import { t, type Key } from "../i18n";
import { jstDate } from "../time";
import type { AcmeRegistration, BatchResult, IssuedEab } from "../types";

function CopyButton({ value }: { value: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <button type="button" onClick={() => navigator.clipboard?.writeText(value).then(() => setCopied(true))}>
      {copied ? t("copied") : t("copy")}
    </button>
  );
}

// The EAB as the officer hands it to the subscriber.
export function EabShownOnce({ eab, directory }: { eab: IssuedEab; directory: string }) {
  return (
    <section class="notice secret" aria-labelledby="eab-title">
      <h2 id="eab-title">{t("eabTitle")}</h2>
      <p>{t("eabOnce")}</p>
      <dl class="fields">
        <dt>{t("acmeAccountId")}</dt>
        <dd>
          <code>{eab.account_id}</code>
        </dd>
        <dt>{t("acmeDirectory")}</dt>
        <dd>
          <code>{directory}</code> <CopyButton value={directory} />
        </dd>
        <dt>{t("eabKid")}</dt>
        <dd>
          <code data-testid="eab-kid">{eab.eab_kid}</code> <CopyButton value={eab.eab_kid} />
        </dd>
        <dt>{t("eabHmac")}</dt>
        <dd>
          <code data-testid="eab-hmac">{eab.eab_hmac_key}</code> <CopyButton value={eab.eab_hmac_key} />
        </dd>
      </dl>
    </section>
  );
}

export const acmeDirectory = new URL("../acme/directory", document.baseURI).href;

export type RegistrationFields = {
  cn: string;
  names: string;
  profile: string;
  subscriber_name: string;
  subscriber_affiliation: string;
  subscriber_email: string;
  server_software: string;
};

// The form of a create or an update: the CN, up to 8 more names, the key type, the subscriber.
export function RegistrationForm({
  initial,
  title,
  submit,
  onDone,
}: {
  initial: RegistrationFields;
  title: Key;
  submit: (fields: RegistrationFields) => Promise<BatchResult>;
  onDone?: () => void;
}) {
  const [form, setForm] = useState(initial);
  const [result, setResult] = useState<BatchResult | null>(null);
  const { busy, error, run } = useAction();
  const field = (name: keyof RegistrationFields, label: Key, props: Record<string, unknown> = {}) => (
    <label>
      {t(label)}
      <input
        name={name}
        value={form[name]}
        required={name !== "names"}
        onInput={(e) => setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value })}
        {...props}
      />
    </label>
  );
  const eab = result?.lines[0]?.acme;
  return (
    <form
      class="action"
      onSubmit={async (e) => {
        e.preventDefault();
        setResult(null);
        const r = await run(() => submit(form));
        if (r) {
          setResult(r);
          if (r.accepted) onDone?.();
        }
      }}
    >
      <h2>{t(title)}</h2>
      {field("cn", "acmeCn", { type: "text", maxLength: 64, placeholder: "www.example.ac.jp" })}
      {field("names", "acmeNames", {
        type: "text",
        maxLength: 600,
        placeholder: "api.example.ac.jp mail.example.ac.jp",
      })}
      <label>
        {t("acmeKeyType")}
        <select
          name="profile"
          value={form.profile}
          onChange={(e) => setForm({ ...form, profile: (e.currentTarget as HTMLSelectElement).value })}
        >
          <option value="3">{t("acmeProfile3")}</option>
          <option value="11">{t("acmeProfile11")}</option>
        </select>
      </label>
      {field("subscriber_name", "name", { type: "text", maxLength: 64 })}
      {field("subscriber_affiliation", "affiliation", { type: "text", maxLength: 64 })}
      {field("subscriber_email", "mail", { type: "email", maxLength: 78 })}
      {field("server_software", "serverSoftware", { type: "text", maxLength: 128, placeholder: "nginx 1.22" })}
      <button type="submit" disabled={busy}>
        {t(title)}
      </button>
      <ErrorBox error={error} />
      <BatchOutcome result={result} />
      {eab && <EabShownOnce eab={eab} directory={acmeDirectory} />}
    </form>
  );
}

const empty: RegistrationFields = {
  cn: "",
  names: "",
  profile: "3",
  subscriber_name: "",
  subscriber_affiliation: "",
  subscriber_email: "",
  server_software: "",
};

export function Acme() {
  const { data, error, reload } = useApi<{ registrations: AcmeRegistration[] }>("acme/registrations");
  return (
    <>
      <h1>{t("acme")}</h1>
      <p>{t("acmeIntro")}</p>
      <ErrorBox error={error} />
      {!data && !error && <p>{t("loading")}</p>}
      {data && data.registrations.length === 0 && <p>{t("noResults")}</p>}
      {data && data.registrations.length > 0 && (
        <Table
          caption={t("acmeCaption")}
          head={[
            t("acmeAccountId"),
            t("acmeNamesColumn"),
            t("acmeKeyType"),
            t("acmeStatus"),
            t("eabUsed"),
            t("created"),
          ]}
        >
          {data.registrations.map((r) => (
            <tr key={r.id}>
              <td>
                <a href={`#/acme/${r.id}`}>{r.account_id}</a>
              </td>
              <td>{r.names.join(", ")}</td>
              <td>{r.profile === "3" ? "RSA 2048" : "ECDSA P-384"}</td>
              <td>{t(r.status === "active" ? "acmeActive" : "acmeSuspended")}</td>
              <td>{r.eab.bound_at ? jstDate(r.eab.bound_at) : t("eabUnused")}</td>
              <td>{jstDate(r.created_at)}</td>
            </tr>
          ))}
        </Table>
      )}
      <RegistrationForm
        initial={empty}
        title="acmeCreate"
        submit={(f) => postForm<BatchResult>("acme/registrations", f)}
        onDone={reload}
      />
    </>
  );
}
