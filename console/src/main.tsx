import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, getJson, postForm, setCsrfToken } from "./api";
import { ErrorBox } from "./components/ErrorBox";
import { Nav, type NavItem } from "./components/Nav";
import { lang, setLang, t, type Lang } from "./i18n";
import { Account } from "./pages/Account";
import { Acme } from "./pages/Acme";
import { AcmeDetail } from "./pages/AcmeDetail";
import { Allowlist } from "./pages/Allowlist";
import { BatchDetail } from "./pages/BatchDetail";
import { CertificateDetail } from "./pages/CertificateDetail";
import { Certificates } from "./pages/Certificates";
import { Credential } from "./pages/Credential";
import { Download } from "./pages/Download";
import { Exports } from "./pages/Exports";
import { History } from "./pages/History";
import { Home } from "./pages/Home";
import { Pickup } from "./pages/Pickup";
import { Pins } from "./pages/Pins";
import { Statistics } from "./pages/Statistics";
import { Upload } from "./pages/Upload";
import { useRoute, type Route } from "./router";
import "./style.css";
import type { Me } from "./types";

// The pages a set of functions opens, in menu order.  Only functions the
// core lists (those that exist and are granted) appear.
function navItems(functions: string[]): NavItem[] {
  const has = (f: string) => functions.includes(f);
  const items: NavItem[] = [{ path: "/", label: "home" }];
  if (has("server") || has("client")) {
    items.push({ path: "/upload", label: "upload" }, { path: "/history", label: "history" });
  }
  if (has("server")) items.push({ path: "/certificates", label: "certificates" });
  if (has("client")) items.push({ path: "/client-certificates", label: "clientCertificates" });
  if (has("acme")) items.push({ path: "/acme", label: "acme" });
  if (has("inventory")) items.push({ path: "/exports", label: "exports" });
  if (has("stats")) items.push({ path: "/statistics", label: "statistics" });
  if (has("allowlist")) items.push({ path: "/allowlist", label: "allowlist" });
  items.push({ path: "/account", label: "account" });
  return items;
}

function Page({ me, items }: { me: Me; items: NavItem[] }) {
  const route = useRoute();
  const allowed = (path: string) => items.some((i) => i.path === path);
  const [, section, id] = route.path.split("/");
  const number = Number(id);
  // After a navigation (not on the first load) keyboard and screen-reader users land on the page content.
  const firstRender = useRef(true);
  useEffect(() => {
    if (!firstRender.current) document.getElementById("main")?.focus();
    firstRender.current = false;
  }, [route.path]);
  if (route.path === "/") return <Home me={me} items={items} />;
  if (section === "upload" && allowed("/upload") && !id)
    return <Upload kinds={["server", "client"].filter((k) => me.functions.includes(k))} />;
  // key: a different object is a new page (no state carried over from the previous one).
  if (section === "history" && allowed("/history")) return id ? <BatchDetail key={id} id={number} /> : <History />;
  if (section === "certificates" && allowed("/certificates"))
    return id ? <CertificateDetail key={id} id={number} me={me} /> : <Certificates query={route.query} />;
  if (section === "client-certificates" && allowed("/client-certificates"))
    return id ? (
      <CertificateDetail key={id} id={number} me={me} inventory="client" />
    ) : (
      <Certificates query={route.query} inventory="client" />
    );
  if (section === "acme" && allowed("/acme")) return id ? <AcmeDetail key={id} id={number} /> : <Acme />;
  if (section === "exports" && allowed("/exports"))
    return (
      <Exports
        files={[
          ...(me.functions.includes("server") ? ["serverAll.tsv"] : []),
          ...(me.functions.includes("client") ? ["clientAll.tsv"] : []),
        ]}
      />
    );
  if (section === "statistics" && allowed("/statistics")) return <Statistics />;
  if (section === "allowlist" && allowed("/allowlist")) return <Allowlist />;
  if (section === "account") return <Account me={me} />;
  return <h1>{t("notFoundTitle")}</h1>;
}

// The subscriber-facing pages need no officer certificate.
function publicPage(route: Route) {
  if (route.path === "/pickup") return <Pickup token={route.query.get("t") ?? ""} />;
  if (route.path === "/download") return <Download token={route.query.get("t") ?? ""} />;
  if (route.path === "/pins") return <Pins token={route.query.get("t") ?? ""} />;
  if (route.path === "/credential") return <Credential token={route.query.get("t") ?? ""} />;
  return null;
}

function App() {
  const route = useRoute();
  const open = publicPage(route);
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loggedOut, setLoggedOut] = useState(false);
  const [, rerender] = useState<Lang>(lang());

  useEffect(() => {
    if (open) return;
    getJson<Me>("me").then((m) => {
      setCsrfToken(m.csrf_token);
      if (m.language) setLang(m.language);
      rerender(lang());
      setMe(m);
    }, setError);
  }, [open === null]);

  const switchLanguage = async () => {
    const next: Lang = lang() === "ja" ? "en" : "ja";
    setLang(next);
    rerender(next);
    document.title = t("appTitle");
    if (me) {
      try {
        await postForm("me/language", { language: next });
      } catch (e) {
        setError(e);
      }
    }
  };
  const logout = async () => {
    try {
      await postForm("logout", {});
      setLoggedOut(true);
      setMe(null);
    } catch (e) {
      setError(e);
    }
  };

  document.title = t("appTitle");
  const header = (
    <header class="top">
      <a class="skip" href="#main" onClick={(e) => (e.preventDefault(), document.getElementById("main")?.focus())}>
        {t("skipToContent")}
      </a>
      <span class="brand">{t("appTitle")}</span>
      {me && (
        <span class="who">
          {me.officer.name} ({me.institution.name})
        </span>
      )}
      <button
        type="button"
        class="lang"
        lang={lang() === "ja" ? "en" : "ja"}
        onClick={switchLanguage}
        aria-label={`${t("language")}: ${t("switchTo")}`}
      >
        {t("switchTo")}
      </button>
      {me && (
        <button type="button" class="logout" onClick={logout}>
          {t("logout")}
        </button>
      )}
    </header>
  );

  if (open) {
    return (
      <>
        {header}
        <main id="main" tabIndex={-1}>
          {open}
        </main>
      </>
    );
  }
  if (loggedOut) {
    return (
      <>
        {header}
        <main id="main" tabIndex={-1}>
          <h1>{t("loggedOutTitle")}</h1>
          <p>{t("loggedOutHelp")}</p>
          <p>
            <a href="./">{t("loginAgain")}</a>
          </p>
        </main>
      </>
    );
  }
  if (!me) {
    const noCertificate = error instanceof ApiError && ["501", "502", "503"].includes(error.body.code);
    return (
      <>
        {header}
        <main id="main" tabIndex={-1}>
          {noCertificate && <h1>{t("noCertificateTitle")}</h1>}
          {noCertificate && <p>{t("noCertificateHelp")}</p>}
          {error ? <ErrorBox error={error} /> : <p>{t("loading")}</p>}
          {error && (
            <button type="button" onClick={() => location.reload()}>
              {t("retry")}
            </button>
          )}
        </main>
      </>
    );
  }
  const items = navItems(me.functions);
  return (
    <>
      {header}
      <div class="layout">
        <Nav items={items} />
        <main id="main" tabIndex={-1}>
          <ErrorBox error={error} />
          <Page me={me} items={items} />
        </main>
      </div>
    </>
  );
}

const root = document.getElementById("app")!;
root.textContent = ""; // the "Loading" placeholder of index.html
render(<App />, root);
