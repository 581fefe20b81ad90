import { useEffect, useState } from "preact/hooks";
import { ENROLL_BASE, postFormStatus } from "../api";
import { t } from "../i18n";
import { ErrorBox } from "./ErrorBox";

export interface Queued {
  application: number;
  resume: string; // the sealing key of the waiting private key: only this page has it
}

interface Collected {
  serial: string;
  pkcs12: string; // base64
  password: string;
}

function p12Url(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type: "application/x-pkcs12" }));
}

// Waits for the signer, then hands out the PKCS#12 and its one-time password.
// Leaving the page before the officer confirms having saved both asks first:
// neither can be shown again.
export function CollectCertificate({ queued }: { queued: Queued }) {
  const [got, setGot] = useState<Collected | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [saved, setSaved] = useState(false);
  const [copied, setCopied] = useState(false);

  useEffect(() => {
    let live = true;
    const poll = async () => {
      try {
        const r = await postFormStatus<Collected>(
          "collect",
          { a: String(queued.application), resume: queued.resume },
          ENROLL_BASE,
        );
        if (!live) return;
        if (r.status === 200) setGot(r.body);
        else setTimeout(poll, 1000);
      } catch (e) {
        if (live) setError(e);
      }
    };
    poll();
    return () => {
      live = false;
    };
  }, [queued]);

  useEffect(() => {
    if (!got || saved) return;
    const warn = (e: BeforeUnloadEvent) => {
      e.preventDefault();
      e.returnValue = t("oneTimeWarning"); // older browsers show the dialog only for a non-empty value
    };
    addEventListener("beforeunload", warn);
    return () => removeEventListener("beforeunload", warn);
  }, [got, saved]);

  const [url, setUrl] = useState("");
  useEffect(() => {
    if (!got) return;
    const u = p12Url(got.pkcs12);
    setUrl(u);
    return () => URL.revokeObjectURL(u);
  }, [got]);

  if (error) return <ErrorBox error={error} />;
  if (!got) return <p role="status">{t("issuingOfficer")}</p>;
  return (
    <section class="collected">
      <h2>{t("officerReady")}</h2>
      <p class="warning" role="alert">
        {t("oneTimeWarning")}
      </p>
      <p>
        {t("p12Password")}: <code id="password">{got.password}</code>{" "}
        <button type="button" onClick={() => navigator.clipboard.writeText(got.password).then(() => setCopied(true))}>
          {copied ? t("copied") : t("copy")}
        </button>
      </p>
      <p>
        <a id="download" class="button" href={url} download={`officer-${got.serial}.p12`}>
          {t("downloadP12")}
        </a>
      </p>
      <p>{t("importHelp")}</p>
      <label class="confirm">
        <input
          type="checkbox"
          checked={saved}
          onChange={(e) => setSaved((e.currentTarget as HTMLInputElement).checked)}
        />{" "}
        {t("savedBoth")}
      </label>
    </section>
  );
}
