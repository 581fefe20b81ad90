// Shapes of the officer API's answers (see core/api/openapi.json).
export interface Me {
  officer: { id: number; name: string; email: string };
  institution: { id: number; name: string };
  certificate: { serial: string; not_after: string; renewable: boolean };
  language: "ja" | "en" | null;
  domains: string[];
  grants: { domain: string; subtree: string | null; kinds: string[]; actions: string[] }[];
  functions: string[];
  csrf_token: string;
}

export interface LineErrorItem {
  code: string;
  ja: string;
  en: string;
  field: string;
  line: number;
  column: { ja: string; en: string };
  text: { ja: string; en: string };
}

export interface LineResult {
  seq: number;
  result: "OK" | "NG";
  applied: boolean;
  errors: LineErrorItem[];
  subject_dn: string;
  fqdn: string;
  affiliation: string;
  name: string;
  mail: string;
  application_id: number | null;
  state: string | null;
  certificate_id: number | null;
  acme?: IssuedEab;
}

export interface BatchResult {
  batch_id: number;
  encoding: string;
  accepted: number;
  rejected: number;
  aborted: boolean;
  lines: LineResult[];
}

export interface BatchSummary {
  id: number;
  file_name: string;
  encoding: string;
  uploaded_at: string;
  apply_type: number;
  error_flg: number;
  lines: number;
  accepted: number;
  sha256: string;
  uploaded_by: string;
}

export interface Certificate {
  application_id: number;
  operation: string;
  state: string;
  fqdn: string;
  subject_dn: string;
  profile: string;
  serial: string;
  status: number | null;
  submitted: string;
  issued_at: string | null;
  not_before: string | null;
  not_after: string | null;
  revoked_at: string | null;
  revocation_reason: number | null;
  certificate_id: number | null;
  batch_id: number | null;
  line: number;
  error: string;
  subscriber: { name: string; affiliation: string; email: string };
  dns_names: string[];
  old_serial: string;
  server_software?: string;
  kind: string;
  // Client and S/MIME certificates
  end_user?: { name: string; affiliation: string; email: string };
  pkcs12_name?: string;
  download_method?: number | null;
}

// Which inventory a page shows: server certificates, or client and S/MIME ones.
export type Inventory = "server" | "client";
export const inventoryApi = (inventory: Inventory) => (inventory === "client" ? "client-certificates" : "certificates");

export interface CertificateDetail extends Certificate {
  pem: string;
  serial_notations: { hex: string; decimal: string; colons: string };
  history: { at: string; actor: string; action: string }[];
}

export interface StatisticsRow {
  domain: string;
  month: string;
  profile: string;
  issued: number;
  valid: number;
  revoked: number;
}

// ACME registrations (UPKI ACME利用情報).
export interface AcmeRegistration {
  id: number;
  account_id: string;
  subject_dn: string;
  profile: "3" | "11";
  names: string[];
  status: "active" | "suspended";
  subscriber: { name: string; affiliation: string; email: string };
  server_software: string;
  eab: { kid: string; expires_at: string; bound_at: string | null };
  suspension?: { reason: number; comment: string };
  created_at: string;
  updated_at: string;
}

export interface AcmeRegistrationDetail extends AcmeRegistration {
  accounts: { id: number; status: string; created_at: string; contact: string[] }[];
  orders: {
    id: number;
    names: string[];
    status: string;
    error: string | null;
    created_at: string;
    certificate_id: number | null;
  }[];
}

// The EAB of a create or update line: in the answer once, nowhere else.
export interface IssuedEab {
  account_id: string;
  eab_kid: string;
  eab_hmac_key: string;
}
