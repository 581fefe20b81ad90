// The actions on one certificate.  Revocation and renewal become UPKI lines
// in the core (a batch like any upload), so their answer is a batch result.
import { useState } from "preact/hooks";
import { download, postForm } from "../api";
import { BatchOutcome, ReasonForm, useAction } from "../components/Action";
import { ErrorBox } from "../components/ErrorBox";
import { t, type Key } from "../i18n";
import type { BatchResult, CertificateDetail } from "../types";

export function DownloadForm({ id }: { id: number }) {
  const [format, setFormat] = useState("pem");
  const { busy, error, run } = useAction();
  return (
    <form
      class="action"
      onSubmit={(e) => (
        e.preventDefault(),
        run(() => download(`certificates/${id}/download?format=${format}`, `${id}.${format}`))
      )}
    >
      <h3>{t("downloadOnBehalf")}</h3>
      <label>
        {t("format")}
        <select name="format" value={format} onChange={(e) => setFormat((e.currentTarget as HTMLSelectElement).value)}>
          {["pem", "fullchain", "chain", "p7b", "der"].map((f) => (
            <option key={f} value={f}>
              {t(`fmt_${f}` as Key)}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        {t("downloadButton")}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

export function ResendForm({ id }: { id: number }) {
  const { busy, error, run } = useAction();
  const [to, setTo] = useState<string | null>(null);
  return (
    <form
      class="action"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await run(() => postForm<{ to: string }>(`certificates/${id}/resend`, {}));
        if (r) setTo(r.to);
      }}
    >
      <h3>{t("resendTitle")}</h3>
      <button type="submit" disabled={busy}>
        {t("resendButton")}
      </button>
      {to && (
        <p role="status" class="notice">
          {t("resent")}: {to}
        </p>
      )}
      <ErrorBox error={error} />
    </form>
  );
}

export function SubscriberForm({
  id,
  detail,
  onSaved,
}: {
  id: number;
  detail: CertificateDetail;
  onSaved: () => void;
}) {
  const [form, setForm] = useState({ ...detail.subscriber });
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();
  const input = (name: keyof typeof form, label: Key, type: "text" | "email" = "text") => {
    const props = {
      name,
      value: form[name],
      required: true,
      onInput: (e: Event) => setForm({ ...form, [name]: (e.currentTarget as HTMLInputElement).value }),
    };
    return (
      <label>
        {t(label)}
        {type === "email" ? (
          <input type="email" maxLength={256} {...props} />
        ) : (
          <input type="text" maxLength={64} {...props} />
        )}
      </label>
    );
  };
  return (
    <form
      class="action"
      onSubmit={async (e) => {
        e.preventDefault();
        setSaved(false);
        if (await run(() => postForm(`certificates/${id}/subscriber`, form))) {
          setSaved(true);
          onSaved();
        }
      }}
    >
      <h3>{t("subscriberTitle")}</h3>
      {input("name", "name")}
      {input("affiliation", "affiliation")}
      {input("email", "mail", "email")}
      <button type="submit" disabled={busy}>
        {t("save")}
      </button>
      {saved && (
        <p role="status" class="notice">
          {t("saved")}
        </p>
      )}
      <ErrorBox error={error} />
    </form>
  );
}

export function RenewForm({ id, onAccepted }: { id: number; onAccepted: (batchId: number) => void }) {
  const [csr, setCsr] = useState("");
  const [result, setResult] = useState<BatchResult | null>(null);
  const { busy, error, run } = useAction();
  return (
    <form
      class="action"
      onSubmit={async (e) => {
        e.preventDefault();
        const r = await run(() => postForm<BatchResult>(`certificates/${id}/renew`, { csr }));
        if (r) {
          setResult(r);
          if (r.accepted) onAccepted(r.batch_id);
        }
      }}
    >
      <h3>{t("renewTitle")}</h3>
      <p>{t("renewHelp")}</p>
      <label>
        {t("csr")}
        <textarea
          name="csr"
          rows={6}
          value={csr}
          required
          onInput={(e) => setCsr((e.currentTarget as HTMLTextAreaElement).value)}
        />
      </label>
      <label>
        {t("csrFile")}
        <input
          type="file"
          accept=".csr,.pem,.req,.txt"
          onChange={async (e) => {
            const f = (e.currentTarget as HTMLInputElement).files?.[0];
            if (f) setCsr(await f.text());
          }}
        />
      </label>
      <button type="submit" disabled={busy || !csr.trim()}>
        {t("renewButton")}
      </button>
      <BatchOutcome result={result} />
      <ErrorBox error={error} />
    </form>
  );
}

// A client or S/MIME certificate is renewed without a CSR: the server makes the new key.
export function ClientRenewForm({ id, onAccepted }: { id: number; onAccepted: (batchId: number) => void }) {
  const [result, setResult] = useState<BatchResult | null>(null);
  const { busy, error, run } = useAction();
  return (
    <form
      class="action"
      onSubmit={async (e) => {
        e.preventDefault();
        if (!window.confirm(t("confirmClientRenew"))) return;
        const r = await run(() => postForm<BatchResult>(`client-certificates/${id}/renew`, {}));
        if (r) {
          setResult(r);
          if (r.accepted) onAccepted(r.batch_id);
        }
      }}
    >
      <h3>{t("renewTitle")}</h3>
      <p>{t("clientRenewHelp")}</p>
      <button type="submit" disabled={busy}>
        {t("renewButton")}
      </button>
      <BatchOutcome result={result} />
      <ErrorBox error={error} />
    </form>
  );
}

export function RevokeForm({
  id,
  onAccepted,
  api = "certificates",
}: {
  id: number;
  onAccepted: (batchId: number) => void;
  api?: string;
}) {
  return (
    <ReasonForm
      title="revokeTitle"
      confirm="confirmRevoke"
      button="revokeButton"
      submit={(reason, comment) => postForm<BatchResult>(`${api}/${id}/revoke`, { reason, comment })}
      onAccepted={(r) => onAccepted(r.batch_id)}
    />
  );
}
