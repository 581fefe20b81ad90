import { t, type Key } from "../i18n";
import { jstAndUtc } from "../time";

// What a subscriber's or end user's page says about the certificate it hands
// out: subject, serial, and a date (the certificate's end, or the link's).
export function CertificateFacts({
  subjectDn,
  serial,
  date,
  dateLabel,
}: {
  subjectDn: string;
  serial: string;
  date: string;
  dateLabel: Key;
}) {
  return (
    <dl class="fields">
      <dt>{t("subjectDn")}</dt>
      <dd class="wrap">{subjectDn}</dd>
      <dt>{t("serial")}</dt>
      <dd>
        <code class="wrap">0x{serial}</code>
      </dd>
      <dt>{t(dateLabel)}</dt>
      <dd>{jstAndUtc(date)}</dd>
    </dl>
  );
}
