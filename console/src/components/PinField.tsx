import { t } from "../i18n";

// The access PIN as people type it from a mail or a sheet: no autofill, no
// spelling fixes, no capitalisation (PINs mix upper and lower case).
export function PinField({ value, onInput }: { value: string; onInput: (pin: string) => void }) {
  return (
    <label>
      {t("accessPin")}
      <input
        name="pin"
        value={value}
        required
        autocomplete="off"
        autocapitalize="off"
        spellcheck={false}
        onInput={(e) => onInput((e.currentTarget as HTMLInputElement).value)}
      />
    </label>
  );
}
