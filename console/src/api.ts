// The officer API (core/api/openapi.json), relative to the console's own
// location: the console at /ra/ talks to /ra/api/v1/, and to the enroll
// endpoint (pickup, renewal of the officer certificate) at /enroll/.
export const API_BASE = new URL("api/v1/", document.baseURI).pathname;
export const ENROLL_BASE = new URL("../enroll/", document.baseURI).pathname;

export interface ApiErrorBody {
  code: string;
  ja: string;
  en: string;
  field: string | null;
  line: number | null;
}

export class ApiError extends Error {
  constructor(
    public status: number,
    public body: ApiErrorBody,
  ) {
    super(body.en);
  }
}

let csrfToken = "";
export function setCsrfToken(token: string) {
  csrfToken = token;
}

// An idle session ends (session_idle_minutes) and the next request opens a new
// one with a new token: a state change refused for its token (504) gets the
// current token from /me and is sent once more.
async function send(method: string, path: string, body?: BodyInit, base = API_BASE): Promise<Response> {
  try {
    return await sendOnce(method, path, body, base);
  } catch (e) {
    if (!(e instanceof ApiError && e.body.code === "504" && method !== "GET" && base === API_BASE)) throw e;
    const me = (await (await sendOnce("GET", "me", undefined, API_BASE)).json()) as { csrf_token: string };
    csrfToken = me.csrf_token;
    return sendOnce(method, path, body, base);
  }
}

async function sendOnce(method: string, path: string, body?: BodyInit, base = API_BASE): Promise<Response> {
  const headers: Record<string, string> = { Accept: "application/json" };
  if (method !== "GET" && csrfToken) headers["X-CSRF-Token"] = csrfToken;
  let res: Response;
  try {
    res = await fetch(base + path, { method, headers, body, credentials: "same-origin" });
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

export async function getJson<T>(path: string, base = API_BASE): Promise<T> {
  return (await send("GET", path, undefined, base)).json() as Promise<T>;
}

export async function postForm<T>(path: string, fields: Record<string, string>, base = API_BASE): Promise<T> {
  return (await send("POST", path, new URLSearchParams(fields), base)).json() as Promise<T>;
}

// A POST that may answer 202 (still working) as well as 200.
export async function postFormStatus<T>(path: string, fields: Record<string, string>, base = API_BASE) {
  const res = await send("POST", path, new URLSearchParams(fields), base);
  return { status: res.status, body: (await res.json()) as T };
}

export async function postMultipart<T>(path: string, form: FormData): Promise<T> {
  return (await send("POST", path, form)).json() as Promise<T>;
}

export const DOWNLOAD_BASE = new URL("../download/", document.baseURI).pathname;

// A file from the API (GET, or POST with form fields), saved by the browser under the server's file name.
export async function download(
  path: string,
  fallbackName: string,
  post?: Record<string, string>,
  base = API_BASE,
): Promise<void> {
  const res = post
    ? await send("POST", path, new URLSearchParams(post), base)
    : await send("GET", path, undefined, base);
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
