// The officer API (core/api/openapi.json), relative to the console's own
// location: the console at /ra/ talks to /ra/api/v1/.
export const API_BASE = new URL("api/v1/", document.baseURI).pathname;

export interface ApiErrorBody {
  code: string;
  ja: string;
  en: string;
  field: string | null;
  line: number | null;
}

export class ApiError extends Error {
  constructor(public status: number, public body: ApiErrorBody) {
    super(body.en);
  }
}

let csrfToken = "";
export function setCsrfToken(token: string) {
  csrfToken = token;
}

async function send(method: string, path: string, body?: BodyInit): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET") headers["X-CSRF-Token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { method, headers, body, credentials: "same-origin" });
  } catch {
    throw new ApiError(0, {
      code: "network",
      ja: "サーバに接続できません。ネットワークを確認してください。",
      en: "The server cannot be reached. Check the network.",
      field: null,
      line: null,
    });
  }
  if (!res.ok) {
    let parsed: { error?: ApiErrorBody } = {};
    try {
      parsed = await res.json();
    } catch {
      /* a proxy's HTML error page: described below */
    }
    throw new ApiError(
      res.status,
      parsed.error ?? {
        code: String(res.status),
        ja: `サーバが ${res.status} を返しました。`,
        en: `The server answered ${res.status}.`,
        field: null,
        line: null,
      },
    );
  }
  return res;
}

export async function getJson<T>(path: string): Promise<T> {
  return (await send("GET", path)).json() as Promise<T>;
}

export async function postForm<T>(path: string, fields: Record<string, string>): Promise<T> {
  return (await send("POST", path, new URLSearchParams(fields))).json() as Promise<T>;
}

export async function postMultipart<T>(path: string, form: FormData): Promise<T> {
  return (await send("POST", path, form)).json() as Promise<T>;
}

// A file from the API, saved by the browser under the server's file name.
export async function download(path: string, fallbackName: string): Promise<void> {
  const res = await send("GET", path);
  const disposition = res.headers.get("Content-Disposition") ?? "";
  const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? fallbackName;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
