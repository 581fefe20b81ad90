import { useCallback, useEffect, useState } from "preact/hooks";
import { API_BASE, getJson } from "../api";

// GET `path` (again whenever it changes); `reload` fetches it anew.
export function useApi<T>(path: string | null, base = API_BASE) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    getJson<T>(path, base).then(
      (d) => live && (setData(d), setError(null)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [path, base, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, reload };
}

// Calls `fn` while `active`: every 2 s for a minute, then every 10 s, never
// while the tab is hidden, and not after 15 minutes (a stopped signer must
// not keep a forgotten tab polling, and its session alive, for ever).
export function usePolling(active: boolean, fn: () => void) {
  useEffect(() => {
    if (!active) return;
    const started = Date.now();
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      const age = Date.now() - started;
      if (age > 15 * 60_000) return;
      if (!document.hidden) fn();
      timer = setTimeout(tick, age < 60_000 ? 2000 : 10_000);
    };
    timer = setTimeout(tick, 2000);
    return () => clearTimeout(timer);
  }, [active, fn]);
}
