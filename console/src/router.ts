// Hash routes (#/certificates/12?x=y): the web server serves one static
// directory and needs no rewrite rules; deep links and reloads still work.
import { useEffect, useState } from "preact/hooks";

export interface Route {
  path: string; // "/certificates/12"
  query: URLSearchParams;
}

function current(): Route {
  const raw = location.hash.replace(/^#/, "") || "/";
  const q = raw.indexOf("?");
  return {
    path: q < 0 ? raw : raw.slice(0, q),
    query: new URLSearchParams(q < 0 ? "" : raw.slice(q + 1)),
  };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(current);
  useEffect(() => {
    const update = () => setRoute(current());
    addEventListener("hashchange", update);
    return () => removeEventListener("hashchange", update);
  }, []);
  return route;
}

export function href(path: string, query?: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query ?? {})) if (v !== undefined && v !== "") params.set(k, String(v));
  const qs = params.toString();
  return `#${path}${qs ? `?${qs}` : ""}`;
}

export function navigate(path: string, query?: Record<string, string | number | undefined>) {
  location.hash = href(path, query);
}
