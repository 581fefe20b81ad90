import { ApiError } from "../api";
import { pick, t } from "../i18n";

// One rendering of the API's error shape: code, message, field and line.
export function ErrorBox({ error }: { error: unknown }) {
  if (!error) return null;
  const body =
    error instanceof ApiError
      ? error.body
      : { code: "console", ja: String(error), en: String(error), field: null, line: null };
  return (
    <div class="error" role="alert">
      <p>
        <strong>{t("errorTitle")}</strong> <span class="code">{body.code}</span> {pick(body)}
      </p>
      {(body.field || body.line) && (
        <p class="error-where">
          {body.field && (
            <span>
              {t("field")}: <code>{body.field}</code>{" "}
            </span>
          )}
          {body.line && (
            <span>
              {t("line")}: {body.line}
            </span>
          )}
        </p>
      )}
    </div>
  );
}
