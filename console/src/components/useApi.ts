import { useCallback, useEffect, useState } from "preact/hooks";
import { getJson } from "../api";

// GET `path` (again whenever it changes); `reload` fetches it anew.
export function useApi<T>(path: string | null) {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!path) return;
    let live = true;
    getJson<T>(path).then(
      (d) => live && (setData(d), setError(null)),
      (e) => live && setError(e),
    );
    return () => {
      live = false;
    };
  }, [path, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  return { data, error, reload };
}

// Calls `fn` every `ms` milliseconds while `active`.
export function usePolling(active: boolean, fn: () => void, ms = 2000) {
  useEffect(() => {
    if (!active) return;
    const id = setInterval(fn, ms);
    return () => clearInterval(id);
  }, [active, fn, ms]);
}
