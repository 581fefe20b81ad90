import { pick, t, tKey } from "../i18n";
import { href } from "../router";
import type { LineResult } from "../types";
import { Table } from "./Table";

// Per-line results of an upload: every error of every line, the FQDN, and
// the application each accepted line created with its progress.
export function ResultTable({ lines }: { lines: LineResult[] }) {
  return (
    <Table
      caption={t("resultCaption")}
      head={[t("seq"), t("outcome"), t("fqdn"), t("errors"), t("subscriber"), t("progress")]}
      class="results"
    >
      {lines.map((line) => (
        <tr key={line.seq} class={line.result === "NG" ? "ng" : "ok"} data-line={line.seq}>
          <th scope="row">{line.seq}</th>
          <td>{line.result}</td>
          <td class="fqdn">{line.fqdn || line.subject_dn}</td>
          <td>
            {line.errors.length > 0 && (
              <ul class="line-errors">
                {line.errors.map((e, i) => (
                  <li key={i}>
                    <span class="code">{e.code}</span> <strong>{pick(e.column)}</strong>: {pick(e)}
                  </li>
                ))}
              </ul>
            )}
          </td>
          <td>
            {line.name}
            {line.mail && <div class="sub">{line.mail}</div>}
          </td>
          <td class="progress" data-state={line.state ?? "none"}>
            {line.state ? tKey("state", line.state) : t("notApplied")}
            {line.certificate_id && (
              <>
                {" "}
                <a href={href(`/certificates/${line.certificate_id}`)}>{t("open")}</a>
              </>
            )}
          </td>
        </tr>
      ))}
    </Table>
  );
}

// True while some accepted line still waits for the signer.
export function stillIssuing(lines: LineResult[]): boolean {
  return lines.some((l) => l.state === "queued");
}
